#include "cli/json_fields.h"

namespace automat::cli {

std::string display_text(const nlohmann::json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_array()) {
    std::string joined;
    for (const auto& item : value) {
      if (!joined.empty()) joined += ", ";
      joined += item.is_structured() ? item.dump() : display_text(item);
    }
    return joined;
  }
  return value.dump();
}

std::string field_text(const nlohmann::json& object, const std::string& key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it == object.end() ? "" : display_text(*it);
}

double field_number(const nlohmann::json& object, const std::string& key, double fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : fallback;
}

nlohmann::json field_json(const nlohmann::json& object, const std::string& key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it != object.end() && it->is_structured() ? *it : nlohmann::json();
}

std::string flavor_id_text(const nlohmann::json& flavor) {
  const std::string str_id = field_text(flavor, "str_id");
  return str_id.empty() ? field_text(flavor, "id") : str_id;
}

nlohmann::json array_items(const nlohmann::json& value) {
  return value.is_array() ? value : nlohmann::json::array();
}

}  // namespace automat::cli
