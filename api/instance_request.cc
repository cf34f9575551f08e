#include "api/instance_request.h"

#include <algorithm>
#include <set>
#include <utility>

#include "api/display_name.h"
#include "api/request_body.h"
#include "common/client_text.h"
#include "common/error.h"

namespace automat::api {
namespace {

using nlohmann::json;

constexpr size_t kMaxShortString = 255;
constexpr const char* kInstancesPath = "/v1.0/{tenant_id}/instances";

using common::in_quotes;

std::string parse_flavor_ref(const json& inst) {
  const auto ref = body::flavor_ref(inst);
  if (!ref) throw body::field_error("instance.flavorRef", "is required");
  std::string id = flavor_id_from_ref(*ref);
  if (id.empty() || id.size() > kMaxShortString) {
    throw body::field_error("instance.flavorRef", in_quotes(*ref) + " does not name a flavor");
  }
  return id;
}

std::vector<DatabaseSpec> parse_databases(const json& inst) {
  std::vector<DatabaseSpec> out;
  const json* list = body::member(inst, "databases");
  if (!list) return out;
  std::set<std::string> seen;
  for (size_t i = 0; i < list->size(); ++i) {
    const json& item = (*list)[i];
    DatabaseSpec db{*body::text(item, "name"), body::text(item, "character_set"),
                    body::text(item, "collate")};
    if (!seen.insert(db.name).second) {
      throw body::field_error("instance.databases[" + std::to_string(i) + "].name",
                              in_quotes(db.name) + " is listed twice");
    }
    out.push_back(std::move(db));
  }
  return out;
}

// A user's databases: [name] or [{name}], each one of instance.databases.
std::vector<std::string> parse_user_databases(const json& user, const std::string& field,
                                              const std::set<std::string>& known) {
  std::vector<std::string> out;
  const json* list = body::member(user, "databases");
  if (!list) return out;
  for (size_t i = 0; i < list->size(); ++i) {
    const json& entry = (*list)[i];
    std::string name = entry.is_string() ? entry.get<std::string>() : *body::text(entry, "name");
    if (!known.count(name)) {
      throw body::field_error(
          field + "[" + std::to_string(i) + "]",
          "names database " + in_quotes(name) + ", which is not in instance.databases");
    }
    out.push_back(std::move(name));
  }
  return out;
}

std::vector<UserSpec> parse_users(const json& inst, const std::vector<DatabaseSpec>& databases) {
  std::vector<UserSpec> out;
  const json* list = body::member(inst, "users");
  if (!list) return out;
  std::set<std::string> db_names;
  for (const auto& db : databases) db_names.insert(db.name);
  std::set<std::pair<std::string, std::string>> seen;
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string field = "instance.users[" + std::to_string(i) + "]";
    const json& item = (*list)[i];
    UserSpec user{*body::text(item, "name"), *body::text(item, "password"),
                  body::text(item, "host"),
                  parse_user_databases(item, field + ".databases", db_names)};
    if (!seen.insert({user.name, user.host.value_or("%")}).second) {
      throw body::field_error(field + ".name",
                              in_quotes(user.name) + " is listed twice for the same host");
    }
    out.push_back(std::move(user));
  }
  return out;
}

}  // namespace

int volume_gb(const json& parent, const std::string& field, VolumeBounds bounds) {
  const json* volume = body::member(parent, "volume");
  if (!volume) throw body::field_error(field, "is required (an object with a size in GB)");
  const long long gb = body::whole(*volume, "size").value_or(0);
  if (gb < bounds.min_gb || gb > bounds.max_gb) {
    throw body::field_error(field + ".size", "must be between " + std::to_string(bounds.min_gb) +
                                                 " and " + std::to_string(bounds.max_gb) +
                                                 " GB, got " +
                                                 (gb > 1000000000LL ? "more" : std::to_string(gb)));
  }
  return static_cast<int>(gb);
}

std::string parse_instance_name(const nlohmann::json& instance) {
  std::string name = body::text(instance, "name").value_or("");
  check_display_name(name, "instance.name");
  return name;
}

std::string flavor_id_from_ref(std::string_view ref) {
  constexpr std::string_view kMarker = "/flavors/";
  const auto pos = ref.rfind(kMarker);
  if (pos != std::string_view::npos) ref.remove_prefix(pos + kMarker.size());
  while (!ref.empty() && ref.back() == '/') ref.remove_suffix(1);
  return std::string(ref);
}

InstanceCreateRequest parse_instance_create(const nlohmann::json& doc, VolumeBounds bounds) {
  body::check(Method::kPost, kInstancesPath, doc);
  const json& inst = doc["instance"];
  InstanceCreateRequest req;
  req.name = parse_instance_name(inst);
  req.flavor_ref = parse_flavor_ref(inst);
  req.volume_size_gb = volume_gb(inst, "instance.volume", bounds);
  if (const json* ds = body::member(inst, "datastore")) {
    req.datastore_type = body::text(*ds, "type");
    req.datastore_version = body::text(*ds, "version");
  }
  req.databases = parse_databases(inst);
  req.users = parse_users(inst, req.databases);
  req.availability_zone = body::text(inst, "availability_zone");
  return req;
}

proto::InstanceCreateInput create_operation_input(const InstanceCreateRequest& req) {
  proto::InstanceCreateInput input;
  for (const auto& db : req.databases) {
    auto* d = input.add_databases();
    d->set_name(db.name);
    d->set_character_set(db.character_set.value_or(""));
    d->set_collate(db.collate.value_or(""));
  }
  for (const auto& u : req.users) {
    auto* user = input.add_users();
    user->set_name(u.name);
    user->set_password(u.password);
    user->set_host(u.host.value_or(""));
    for (const auto& name : u.databases) user->add_databases(name);
  }
  return input;
}

}  // namespace automat::api
