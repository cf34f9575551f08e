#include "common/status_detail.h"

#include <google/protobuf/util/json_util.h>

#include "common/log.h"

namespace automat::common {

std::optional<nlohmann::json> encode_status_detail(const proto::StatusDetail& detail) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string text;
  if (!google::protobuf::util::MessageToJsonString(detail, &text, options).ok()) {
    return std::nullopt;
  }
  return nlohmann::json::parse(text);
}

std::optional<proto::StatusDetail> decode_status_detail(const nlohmann::json& stored,
                                                        const std::string& instance_id) {
  proto::StatusDetail detail;
  if (stored.is_object() && stored.empty()) return detail;
  const auto status = google::protobuf::util::JsonStringToMessage(
      stored.dump(), &detail, google::protobuf::util::JsonParseOptions{});
  if (!status.ok()) {
    log::warn("status_detail.undecodable",
              {{"instance", instance_id}, {"error", status.ToString()}});
    return std::nullopt;
  }
  return detail;
}

}  // namespace automat::common
