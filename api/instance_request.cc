#include "api/instance_request.h"

#include <algorithm>
#include <set>
#include <utility>

#include "api/display_name.h"
#include "api/request_fields.h"
#include "common/client_text.h"
#include "common/error.h"

namespace automat::api {
namespace {

using nlohmann::json;

constexpr size_t kMaxDatabaseName = 64;
constexpr size_t kMaxUserName = 80;
constexpr size_t kMinPassword = 8;
constexpr size_t kMaxPassword = 128;
constexpr size_t kMaxShortString = 255;

constexpr std::string_view kDatabaseExtra = "_$-";
constexpr std::string_view kUserExtra = "_$.-";
constexpr std::string_view kCharsetExtra = "_";
constexpr std::string_view kHostExtra = ".%_:-";
constexpr std::string_view kZoneExtra = "_.-";

common::Error field_error(const std::string& field, const std::string& problem) {
  return common::bad_request(field + " " + problem);
}

using common::in_quotes;

// The member `key` of `obj`, or nullptr when absent or null.
const json* member(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string string_field(const json& value, const std::string& field) {
  if (!value.is_string()) throw field_error(field, "must be a string");
  return value.get<std::string>();
}

std::string required_string(const json& obj, const char* key, const std::string& field) {
  const json* v = member(obj, key);
  if (!v) throw field_error(field, "is required");
  return string_field(*v, field);
}

std::optional<std::string> optional_string(const json& obj, const char* key,
                                           const std::string& field) {
  const json* v = member(obj, key);
  if (!v) return std::nullopt;
  return string_field(*v, field);
}

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool only_chars(std::string_view s, std::string_view extra) {
  for (char c : s) {
    if (!is_alnum(c) && extra.find(c) == std::string_view::npos) return false;
  }
  return true;
}

// Checks `value` is 1..max characters of [A-Za-z0-9] plus `extra`.
void check_token(const std::string& value, const std::string& field, const char* what, size_t max,
                 std::string_view extra) {
  if (!value.empty() && value.size() <= max && only_chars(value, extra)) return;
  std::string allowed = "A-Z, a-z, 0-9";
  for (char c : extra) (allowed += ", ") += c;
  throw field_error(field, in_quotes(value) + " is not a valid " + what + ": use 1 to " +
                               std::to_string(max) + " characters from " + allowed);
}

std::string parse_name(const json& inst) {
  std::string name = required_string(inst, "name", "instance.name");
  check_display_name(name, "instance.name");
  return name;
}

std::string parse_flavor_ref(const json& inst) {
  const json* v = member(inst, "flavorRef");
  if (!v) throw field_error("instance.flavorRef", "is required");
  std::string ref;
  if (v->is_number_unsigned()) {
    ref = std::to_string(v->get<uint64_t>());
  } else if (v->is_number_integer()) {
    ref = std::to_string(v->get<int64_t>());
  } else if (v->is_string()) {
    ref = v->get<std::string>();
  } else {
    throw field_error("instance.flavorRef", "must be a string or an integer");
  }
  std::string id = flavor_id_from_ref(ref);
  if (id.empty() || id.size() > kMaxShortString) {
    throw field_error("instance.flavorRef", in_quotes(ref) + " does not name a flavor");
  }
  return id;
}

// An integer or, as Trove accepts, a string of digits ("1").
int parse_volume(const json& inst, VolumeBounds bounds) {
  const json* vol = member(inst, "volume");
  if (!vol) throw field_error("instance.volume", "is required (an object with a size in GB)");
  if (!vol->is_object()) throw field_error("instance.volume", "must be an object");
  return *fields::volume_size(inst, "instance.volume", bounds.min_gb, bounds.max_gb);
}

void parse_datastore(const json& inst, InstanceCreateRequest& req) {
  const json* ds = member(inst, "datastore");
  if (!ds) return;
  if (!ds->is_object()) throw field_error("instance.datastore", "must be an object");
  req.datastore_type = optional_string(*ds, "type", "instance.datastore.type");
  req.datastore_version = optional_string(*ds, "version", "instance.datastore.version");
  for (auto [value, field] : {std::pair{&req.datastore_type, "instance.datastore.type"},
                              std::pair{&req.datastore_version, "instance.datastore.version"}}) {
    if (value->has_value() && ((*value)->empty() || (*value)->size() > kMaxShortString)) {
      throw field_error(field, "must be 1 to 255 characters");
    }
  }
}

const json* optional_array(const json& obj, const char* key, const std::string& field) {
  const json* v = member(obj, key);
  if (v && !v->is_array()) throw field_error(field, "must be an array");
  return v;
}

std::optional<std::string> optional_token(const json& obj, const char* key,
                                          const std::string& field, const char* what, size_t max,
                                          std::string_view extra) {
  auto value = optional_string(obj, key, field);
  if (value) check_token(*value, field, what, max, extra);
  return value;
}

DatabaseSpec parse_database(const json& item, const std::string& field) {
  if (!item.is_object()) throw field_error(field, "must be an object with a name");
  DatabaseSpec db;
  db.name = required_string(item, "name", field + ".name");
  check_token(db.name, field + ".name", "database name", kMaxDatabaseName, kDatabaseExtra);
  db.character_set = optional_token(item, "character_set", field + ".character_set",
                                    "character set", kMaxDatabaseName, kCharsetExtra);
  db.collate = optional_token(item, "collate", field + ".collate", "collation", kMaxDatabaseName,
                              kCharsetExtra);
  return db;
}

std::vector<DatabaseSpec> parse_databases(const json& inst) {
  std::vector<DatabaseSpec> out;
  const json* list = optional_array(inst, "databases", "instance.databases");
  if (!list) return out;
  std::set<std::string> seen;
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string field = "instance.databases[" + std::to_string(i) + "]";
    DatabaseSpec db = parse_database((*list)[i], field);
    if (!seen.insert(db.name).second) {
      throw field_error(field + ".name", in_quotes(db.name) + " is listed twice");
    }
    out.push_back(std::move(db));
  }
  return out;
}

std::string parse_password(const json& item, const std::string& field) {
  std::string password = required_string(item, "password", field);
  bool printable = true;
  for (unsigned char c : password) printable = printable && c >= 0x20 && c < 0x7F;
  if (password.size() < kMinPassword || password.size() > kMaxPassword || !printable) {
    throw field_error(field, "must be 8 to 128 printable ASCII characters");
  }
  return password;
}

std::vector<std::string> parse_user_databases(const json& item, const std::string& field,
                                              const std::set<std::string>& known) {
  std::vector<std::string> out;
  const json* list = optional_array(item, "databases", field);
  if (!list) return out;
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string f = field + "[" + std::to_string(i) + "]";
    const json& entry = (*list)[i];
    std::string name;
    if (entry.is_string()) {
      name = entry.get<std::string>();
    } else if (entry.is_object()) {
      name = required_string(entry, "name", f + ".name");
    } else {
      throw field_error(f, "must be a database name or {\"name\": ...}");
    }
    if (!known.count(name)) {
      throw field_error(
          f, "names database " + in_quotes(name) + ", which is not in instance.databases");
    }
    out.push_back(std::move(name));
  }
  return out;
}

UserSpec parse_user(const json& item, const std::string& field, const std::set<std::string>& dbs) {
  if (!item.is_object()) throw field_error(field, "must be an object with a name and a password");
  UserSpec user;
  user.name = required_string(item, "name", field + ".name");
  check_token(user.name, field + ".name", "user name", kMaxUserName, kUserExtra);
  user.password = parse_password(item, field + ".password");
  user.host = optional_token(item, "host", field + ".host", "host", kMaxShortString, kHostExtra);
  user.databases = parse_user_databases(item, field + ".databases", dbs);
  return user;
}

std::vector<UserSpec> parse_users(const json& inst, const std::vector<DatabaseSpec>& databases) {
  std::vector<UserSpec> out;
  const json* list = optional_array(inst, "users", "instance.users");
  if (!list) return out;
  std::set<std::string> db_names;
  for (const auto& db : databases) db_names.insert(db.name);
  std::set<std::pair<std::string, std::string>> seen;
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string field = "instance.users[" + std::to_string(i) + "]";
    UserSpec user = parse_user((*list)[i], field, db_names);
    if (!seen.insert({user.name, user.host.value_or("%")}).second) {
      throw field_error(field + ".name",
                        in_quotes(user.name) + " is listed twice for the same host");
    }
    out.push_back(std::move(user));
  }
  return out;
}

}  // namespace

std::string parse_instance_name(const nlohmann::json& instance) { return parse_name(instance); }

std::string flavor_id_from_ref(std::string_view ref) {
  constexpr std::string_view kMarker = "/flavors/";
  const auto pos = ref.rfind(kMarker);
  if (pos != std::string_view::npos) ref.remove_prefix(pos + kMarker.size());
  while (!ref.empty() && ref.back() == '/') ref.remove_suffix(1);
  return std::string(ref);
}

InstanceCreateRequest parse_instance_create(const nlohmann::json& doc, VolumeBounds bounds) {
  if (!doc.is_object()) {
    throw common::bad_request("the request body must be a JSON object: {\"instance\": {...}}");
  }
  const json* inst = member(doc, "instance");
  if (!inst) throw field_error("instance", "is required: the body must be {\"instance\": {...}}");
  if (!inst->is_object()) throw field_error("instance", "must be an object");
  InstanceCreateRequest req;
  req.name = parse_name(*inst);
  req.flavor_ref = parse_flavor_ref(*inst);
  req.volume_size_gb = parse_volume(*inst, bounds);
  parse_datastore(*inst, req);
  req.databases = parse_databases(*inst);
  req.users = parse_users(*inst, req.databases);
  req.availability_zone = optional_token(*inst, "availability_zone", "instance.availability_zone",
                                         "availability zone", kMaxShortString, kZoneExtra);
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
