#include "cli/database_admin.h"

#include "cli/instance_lookup.h"
#include "cli/json_fields.h"

namespace automat::cli {
namespace {

std::string database_names(const nlohmann::json& user) {
  std::string names;
  const nlohmann::json dbs = field_json(user, "databases");
  if (!dbs.is_array()) return names;
  for (const auto& db : dbs) {
    const std::string name = db.is_string() ? db.get<std::string>() : field_text(db, "name");
    names += (names.empty() ? "" : ", ") + name;
  }
  return names;
}

}  // namespace

std::string user_path(const std::string& instance_id, const std::string& name,
                      const std::string& host) {
  return instance_path(instance_id) + "/users/" +
         path_segment(host.empty() ? name : name + "@" + host);
}

Table database_list_table(const nlohmann::json& databases) {
  Table table{{"Name"}, {}};
  for (const auto& db : databases) table.rows.push_back({field_text(db, "name")});
  return table;
}

Table user_list_table(const nlohmann::json& users) {
  Table table{{"Name", "Host", "Databases"}, {}};
  for (const auto& u : users) {
    table.rows.push_back({field_text(u, "name"), field_text(u, "host"), database_names(u)});
  }
  return table;
}

Table user_table(const nlohmann::json& user) {
  return field_value_table({{"name", field_text(user, "name")},
                            {"host", field_text(user, "host")},
                            {"databases", database_names(user)}});
}

}  // namespace automat::cli
