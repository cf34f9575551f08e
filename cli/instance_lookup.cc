#include "cli/instance_lookup.h"

#include <vector>

#include "cli/errors.h"
#include "cli/instance_request.h"
#include "cli/json_fields.h"
#include "cli/views.h"

namespace automat::cli {

std::string instance_path(const std::string& id) { return "/instances/" + path_segment(id); }

std::string resolve_flavor(ApiClient& api, const std::string& ref) {
  nlohmann::json flavors = field_json(api.get("/flavors"), "flavors");
  std::vector<std::string> by_name;
  for (const auto& flavor : flavors.is_array() ? flavors : nlohmann::json::array()) {
    if (field_text(flavor, "id") == ref) return ref;
    if (field_text(flavor, "name") == ref) by_name.push_back(field_text(flavor, "id"));
  }
  if (by_name.size() == 1) return by_name.front();
  throw UsageError("no flavor with ID or name \"" + ref + "\"; `automat flavor list` shows them");
}

std::string resolve_instance(ApiClient& api, const std::string& ref) {
  if (looks_like_uuid(ref)) return ref;
  std::vector<std::string> matches;
  nlohmann::json instances = field_json(api.get("/instances"), "instances");
  for (const auto& instance : instances.is_array() ? instances : nlohmann::json::array()) {
    std::string id = field_text(instance, "id");
    if (id == ref) return id;
    if (field_text(instance, "name") == ref) matches.push_back(id);
  }
  if (matches.size() > 1) {
    throw UsageError(std::to_string(matches.size()) + " instances are named \"" + ref +
                     "\"; give the ID instead (automat instance list)");
  }
  return matches.empty() ? ref : matches.front();  // none: let the server answer
}

void show_instance(Session& session, ApiClient& api, const std::string& id) {
  nlohmann::json instance = field_json(api.get(instance_path(id)), "instance");
  session.print(instance, instance_table(instance));
}

}  // namespace automat::cli
