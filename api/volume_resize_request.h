#pragma once
// Resizes, parsed and checked without I/O. Three forms:
//   POST /instances/{id}/action    {"resize": {"volume": {"size": N}}}  (Trove's)
//   POST /instances/{id}/action    {"resize": {"flavorRef": F}}         (Trove's)
//   POST /clusters/{id}/action     {"resize_volume": {"size": N}}
// N is a whole number of GB (an integer, or a string of digits, as Trove's
// schema allows), at least 1, at most the
// server's max_volume_gb, and larger than the current size of the volume it
// grows: volumes only grow (a cluster's nodes already that large are left as
// they are, so a resize that stopped half way can be asked for again). F is
// a flavor id or name, or a link ending in /flavors/<id>; the flavor itself
// is checked by the handler. A resize gives one of volume and flavorRef.
// Every violation is a 400 naming the field.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace automat::api {

// What {"resize": {...}} asks for: exactly one of the two is set.
struct InstanceResize {
  std::optional<int> volume_gb;          // resize.volume.size
  std::optional<std::string> flavor_id;  // resize.flavorRef, stripped of any URL prefix
};

// Whether an instance action document asks for a resize (its key is "resize").
bool is_instance_resize(const nlohmann::json& doc);
// The resize of an instance action document; 400 when it gives both or
// neither of volume and flavorRef, a size the schema refuses or a
// flavorRef naming nothing.
InstanceResize parse_instance_resize(const nlohmann::json& doc);
// The size of a cluster's resize_volume action, `value` being the body's
// "resize_volume" member that the cluster action schema admitted.
int parse_cluster_resize_volume(const nlohmann::json& value);

// 400 naming `field` when `size_gb` is above `max_gb` (the server's
// [api] max_volume_gb).
void check_volume_bound(const std::string& field, int size_gb, int max_gb);
// 400 naming `field` when `what` ("instance <id>'s volume", "node db-2's
// volume"), of `current_gb`, would not grow by becoming `size_gb`.
void check_volume_grows(const std::string& field, const std::string& what, int current_gb,
                        int size_gb);

}  // namespace automat::api
