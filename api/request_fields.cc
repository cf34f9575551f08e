#include "api/request_fields.h"

#include "api/display_name.h"
#include "api/instance_request.h"

namespace automat::api::fields {
namespace {

using nlohmann::json;

constexpr size_t kMaxShortString = 255;

bool zone_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

}  // namespace

common::Error field_error(const std::string& field, const std::string& problem) {
  return common::bad_request(field + " " + problem);
}

const json* member(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

const json& required_object(const json& obj, const char* key, const std::string& field) {
  const json* v = member(obj, key);
  if (!v) throw field_error(field, "is required");
  if (!v->is_object()) throw field_error(field, "must be an object");
  return *v;
}

std::string required_string(const json& obj, const char* key, const std::string& field) {
  auto v = optional_string(obj, key, field);
  if (!v) throw field_error(field, "is required");
  return *v;
}

std::optional<std::string> optional_string(const json& obj, const char* key,
                                           const std::string& field) {
  const json* v = member(obj, key);
  if (!v) return std::nullopt;
  if (!v->is_string()) throw field_error(field, "must be a string");
  return v->get<std::string>();
}

std::optional<long long> whole_number(const json& value) {
  constexpr size_t kMaxDigits = 9;
  if (value.is_number_unsigned()) {
    if (value.get<unsigned long long>() > 1000000000ULL) return 1000000001LL;  // "too large"
    return static_cast<long long>(value.get<unsigned long long>());
  }
  if (value.is_number_integer()) return value.get<long long>();
  if (!value.is_string()) return std::nullopt;
  const std::string& text = value.get_ref<const std::string&>();
  if (text.empty() || text.size() > kMaxDigits ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(text);
}

std::optional<long long> optional_integer(const json& obj, const char* key,
                                          const std::string& field) {
  const json* v = member(obj, key);
  if (!v) return std::nullopt;
  const auto n = whole_number(*v);
  if (!n) throw field_error(field, "must be an integer (or a string of up to 9 digits)");
  if (*n > 1000000000LL) throw field_error(field, "is too large");
  return n;
}

std::string display_name(const json& obj, const char* key, const std::string& field) {
  std::string name = required_string(obj, key, field);
  check_display_name(name, field);
  return name;
}

std::optional<std::string> zone(const json& obj, const char* key, const std::string& field) {
  auto value = optional_string(obj, key, field);
  if (!value) return value;
  bool ok = !value->empty() && value->size() <= kMaxShortString;
  for (char c : *value) ok = ok && zone_char(c);
  if (!ok) {
    throw field_error(field, in_quotes(*value) +
                                 " is not a valid availability zone: use 1 to 255 characters "
                                 "from A-Z, a-z, 0-9, _, ., -");
  }
  return value;
}

std::optional<std::string> flavor_ref(const json& obj, const std::string& field) {
  const json* v = member(obj, "flavorRef");
  if (!v) return std::nullopt;
  std::string ref;
  if (v->is_number_unsigned()) {
    ref = std::to_string(v->get<uint64_t>());
  } else if (v->is_number_integer()) {
    ref = std::to_string(v->get<int64_t>());
  } else if (v->is_string()) {
    ref = v->get<std::string>();
  } else {
    throw field_error(field, "must be a string or an integer");
  }
  std::string id = flavor_id_from_ref(ref);
  if (id.empty() || id.size() > kMaxShortString) {
    throw field_error(field, in_quotes(ref) + " does not name a flavor");
  }
  return id;
}

std::optional<int> volume_size(const json& obj, const std::string& field, int min_gb, int max_gb) {
  const json* vol = member(obj, "volume");
  if (!vol) return std::nullopt;
  if (!vol->is_object()) throw field_error(field, "must be an object with a size in GB");
  const json* size = member(*vol, "size");
  if (!size) throw field_error(field + ".size", "is required");
  const auto gb = whole_number(*size);
  if (!gb) {
    throw field_error(field + ".size", "must be an integer (or a string of up to 9 digits)");
  }
  if (*gb < min_gb || *gb > max_gb) {
    throw field_error(field + ".size", "must be between " + std::to_string(min_gb) + " and " +
                                           std::to_string(max_gb) + " GB, got " +
                                           (*gb > 1000000000LL ? "more" : std::to_string(*gb)));
  }
  return static_cast<int>(*gb);
}

}  // namespace automat::api::fields
