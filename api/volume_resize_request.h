#pragma once
// Growing volumes online, parsed and checked without I/O. Two forms:
//   POST /instances/{id}/action    {"resize": {"volume": {"size": N}}}  (Trove's)
//   POST /clusters/{id}/action     {"resize_volume": {"size": N}}
// N is a whole number of GB (an integer, or a string of digits, as Trove's
// schema allows), at least 1, at most the
// server's max_volume_gb, and larger than the current size of the volume it
// grows: volumes only grow (a cluster's nodes already that large are left as
// they are, so a resize that stopped half way can be asked for again). {"resize": {"flavorRef":
// ...}} (a flavor resize) is refused: this service cannot resize a flavor yet. Every violation is a
// 400 naming the field.
#include <nlohmann/json.hpp>
#include <string>

namespace automat::api {

// Whether an instance action document asks for a resize (its key is "resize").
bool is_instance_resize(const nlohmann::json& doc);
// The size of {"resize": {"volume": {"size": N}}}; 400 for a flavor resize,
// a missing volume or a size the schema refuses.
int parse_instance_resize(const nlohmann::json& doc);
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
