#pragma once
// service_statuses.detail's one codec. The conductor stores what an
// instance's last heartbeat said as a proto::StatusDetail
// (automat/messages.proto) in protobuf's JSON mapping, with the proto field
// names; readers decode it back here, and a datastore then unpacks its own
// report from StatusDetail.datastore (e.g. node_report() in
// datastores/cassandra/common_node_report.h). Nothing walks the stored JSON
// by key but the SQL of the instance views, which reads "fault".
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "automat/messages.pb.h"

namespace automat::common {

// `detail` as service_statuses.detail stores it. A packed datastore report
// is mapped through the descriptors linked into this binary; nullopt when
// its type is not among them.
std::optional<nlohmann::json> encode_status_detail(const proto::StatusDetail& detail);

// The StatusDetail `stored` holds ({} is an empty one); nullopt, with a
// warning naming `instance_id`, when it does not decode (a shape from before
// StatusDetail, a report type this binary does not link).
std::optional<proto::StatusDetail> decode_status_detail(const nlohmann::json& stored,
                                                        const std::string& instance_id);

}  // namespace automat::common
