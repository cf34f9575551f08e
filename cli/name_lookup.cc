#include "cli/name_lookup.h"

#include <vector>

#include "cli/errors.h"
#include "cli/json_fields.h"

namespace automat::cli {

std::string id_by_id_or_name(const nlohmann::json& items, const std::string& ref,
                             const std::string& kind, const std::string& list_command) {
  std::vector<std::string> by_name;
  for (const auto& item : items.is_array() ? items : nlohmann::json::array()) {
    std::string id = field_text(item, "id");
    if (id == ref) return id;
    if (field_text(item, "name") == ref) by_name.push_back(id);
  }
  if (by_name.size() > 1) {
    throw UsageError(std::to_string(by_name.size()) + " " + kind + " are named \"" + ref +
                     "\"; give the ID instead (" + list_command + ")");
  }
  return by_name.empty() ? ref : by_name.front();  // none: let the server answer
}

}  // namespace automat::cli
