#pragma once
// A Cassandra node's report (NodeReport, cassandra_guest.proto) as the
// control plane reads it back: the guest sends it packed in its heartbeat
// (DatastoreReport.datastore), the conductor stores it in
// service_statuses.detail through common/status_detail.h, and this is the
// one place the Cassandra faces unpack it (the shrink checks, the
// workflow's reported_ring).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "datastores/cassandra/cassandra_guest.pb.h"

namespace automat::datastores::cassandra {

// The report in a node's stored heartbeat detail; nullopt when the node has
// not reported one (the detail is empty or carries another datastore's
// report), or when the detail does not decode (logged with `instance_id`).
std::optional<proto::cassandra::NodeReport> node_report(const nlohmann::json& detail,
                                                        const std::string& instance_id);

// The stored heartbeat detail that carries `report`, as the conductor would
// store it (for fakes and tests that stand in for a guest).
nlohmann::json stored_detail(const proto::cassandra::NodeReport& report);

}  // namespace automat::datastores::cassandra
