#include "datastores/cassandra/common_node_report.h"

#include "common/log.h"
#include "common/status_detail.h"

namespace automat::datastores::cassandra {

std::optional<proto::cassandra::NodeReport> node_report(const nlohmann::json& detail,
                                                        const std::string& instance_id) {
  const auto decoded = common::decode_status_detail(detail, instance_id);
  if (!decoded || !decoded->has_datastore()) return std::nullopt;
  proto::cassandra::NodeReport report;
  if (!decoded->datastore().Is<proto::cassandra::NodeReport>()) return std::nullopt;
  if (!decoded->datastore().UnpackTo(&report)) {
    common::log::warn("cassandra.report_undecodable", {{"instance", instance_id}});
    return std::nullopt;
  }
  return report;
}

nlohmann::json stored_detail(const proto::cassandra::NodeReport& report) {
  proto::StatusDetail detail;
  detail.mutable_datastore()->PackFrom(report);
  return common::encode_status_detail(detail).value_or(nlohmann::json::object());
}

}  // namespace automat::datastores::cassandra
