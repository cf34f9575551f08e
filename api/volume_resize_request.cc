#include "api/volume_resize_request.h"

#include "api/http_message.h"
#include "api/instance_request.h"
#include "api/request_body.h"
#include "common/client_text.h"
#include "common/error.h"

namespace automat::api {
namespace {

using nlohmann::json;

constexpr const char* kInstanceActionPath = "/v1.0/{tenant_id}/instances/{instance_id}/action";

// The WholeNumber member "size" of `parent` (the schema made it one), at
// least 1. Above 10^9 it reads as 10^9 + 1, which every bound refuses.
int size_gb(const json& parent, const std::string& field) {
  const long long gb = body::whole(parent, "size").value_or(0);
  if (gb < 1) throw common::bad_request(field + " must be a whole number of GB, at least 1");
  return static_cast<int>(gb);
}

}  // namespace

bool is_instance_resize(const json& doc) { return doc.is_object() && doc.contains("resize"); }

InstanceResize parse_instance_resize(const json& doc) {
  // The schema admits exactly one of volume and flavorRef (not null).
  body::check(Method::kPost, kInstanceActionPath, doc);
  const json& resize = doc.at("resize");
  InstanceResize out;
  if (const auto ref = body::flavor_ref(resize)) {
    std::string id = flavor_id_from_ref(*ref);
    if (id.empty() || id.size() > 255) {
      throw common::bad_request("resize.flavorRef " + common::in_quotes(*ref) +
                                " does not name a flavor");
    }
    out.flavor_id = std::move(id);
    return out;
  }
  out.volume_gb = size_gb(resize.at("volume"), "resize.volume.size");
  return out;
}

int parse_cluster_resize_volume(const json& value) { return size_gb(value, "resize_volume.size"); }

void check_volume_bound(const std::string& field, int size_gb, int max_gb) {
  if (size_gb > max_gb) {
    throw common::bad_request(field + " must be at most " + std::to_string(max_gb) +
                              " GB, the largest volume this service makes; got " +
                              (size_gb > 1000000000 ? "more" : std::to_string(size_gb)));
  }
}

void check_volume_grows(const std::string& field, const std::string& what, int current_gb,
                        int size_gb) {
  if (size_gb <= current_gb) {
    throw common::bad_request(field + ": volumes only grow: " + what + " is " +
                              std::to_string(current_gb) + " GB; ask for more than " +
                              std::to_string(current_gb));
  }
}

}  // namespace automat::api
