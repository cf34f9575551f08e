#include "cli/database_admin.h"

#include "cli/instance_lookup.h"
#include "cli/json_fields.h"

namespace automat::cli {
namespace {

// The marker of a "next" link's href ("...?limit=2&marker=app%40%25"), still encoded.
std::string next_link_marker(const nlohmann::json& page) {
  const nlohmann::json links = field_json(page, "links");
  if (!links.is_array()) return "";
  for (const auto& link : links) {
    if (field_text(link, "rel") != "next") continue;
    const std::string href = field_text(link, "href");
    for (const char* key : {"?marker=", "&marker="}) {
      const size_t at = href.find(key);
      if (at == std::string::npos) continue;
      const size_t from = at + std::string(key).size();
      return href.substr(from, href.find('&', from) - from);
    }
  }
  return "";
}

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

nlohmann::json get_all_pages(ApiClient& api, const std::string& path, const std::string& key) {
  nlohmann::json items = nlohmann::json::array();
  std::string marker;
  // A bound against a server that keeps naming the same page.
  for (int page_number = 0; page_number < 10000; ++page_number) {
    const nlohmann::json page = api.get(marker.empty() ? path : path + "?marker=" + marker);
    const nlohmann::json page_items = field_json(page, key);
    if (page_items.is_array()) {
      for (const auto& item : page_items) items.push_back(item);
    }
    const std::string next = next_link_marker(page);
    if (next.empty() || next == marker) break;
    marker = next;
  }
  return items;
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
