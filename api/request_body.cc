#include "api/request_body.h"

#include <algorithm>
#include <stdexcept>

namespace automat::api::body {

using nlohmann::json;

namespace {
constexpr long long kLargest = 1000000000LL;  // WholeNumber's strings hold at most 9 digits
}  // namespace

void check(Method method, const std::string& path, const json& doc) {
  const BodySchemas& schemas = published_body_schemas();
  if (!schemas.has(method, path)) {
    throw std::logic_error("docs/openapi.yaml has no body schema for " + path);
  }
  schemas.check(method, path, doc);
}

const json* member(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  const auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

std::optional<std::string> text(const json& obj, const char* key) {
  const json* v = member(obj, key);
  if (!v || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

std::optional<long long> whole(const json& obj, const char* key) {
  const json* v = member(obj, key);
  if (!v) return std::nullopt;
  if (v->is_number_unsigned()) {
    const auto n = v->get<unsigned long long>();
    return n > static_cast<unsigned long long>(kLargest) ? kLargest + 1 : static_cast<long long>(n);
  }
  if (v->is_number_integer()) return std::min(v->get<long long>(), kLargest + 1);
  if (!v->is_string()) return std::nullopt;
  const std::string& digits = v->get_ref<const std::string&>();
  if (digits.empty() || digits.size() > 9 ||
      digits.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(digits);
}

std::optional<std::string> flavor_ref(const json& obj) {
  const json* v = member(obj, "flavorRef");
  if (!v) return std::nullopt;
  if (v->is_number_unsigned()) return std::to_string(v->get<unsigned long long>());
  if (v->is_number_integer()) return std::to_string(v->get<long long>());
  if (v->is_string()) return v->get<std::string>();
  return std::nullopt;
}

common::Error field_error(const std::string& field, const std::string& problem) {
  return common::bad_request(field + " " + problem);
}

}  // namespace automat::api::body
