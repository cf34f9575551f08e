#include "cli/instance_lookup.h"

#include <vector>

#include "cli/errors.h"
#include "cli/instance_request.h"
#include "cli/json_fields.h"
#include "cli/name_lookup.h"
#include "cli/views.h"

namespace automat::cli {

std::string instance_path(const std::string& id) { return "/instances/" + path_segment(id); }

std::string resolve_flavor(ApiClient& api, const std::string& ref) {
  nlohmann::json flavors = api.get_list("/flavors", "flavors");
  std::vector<std::string> by_name;
  for (const auto& flavor : flavors.is_array() ? flavors : nlohmann::json::array()) {
    if (flavor_id_text(flavor) == ref) return ref;
    if (field_text(flavor, "name") == ref) by_name.push_back(flavor_id_text(flavor));
  }
  if (by_name.size() == 1) return by_name.front();
  throw UsageError("no flavor with ID or name \"" + ref + "\"; `automat flavor list` shows them");
}

std::string resolve_instance(ApiClient& api, const std::string& ref) {
  if (looks_like_uuid(ref)) return ref;
  return id_by_id_or_name(api.get_list("/instances", "instances"), ref, "instances",
                          "automat instance list");
}

void show_instance(Session& session, ApiClient& api, const std::string& id) {
  nlohmann::json instance = field_json(api.get(instance_path(id)), "instance");
  session.print(instance, instance_table(instance));
}

}  // namespace automat::cli
