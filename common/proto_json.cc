#include "common/proto_json.h"

#include <google/protobuf/util/json_util.h>

#include "common/error.h"

namespace automat::common::proto_json {

namespace pbutil = google::protobuf::util;

nlohmann::json encode(const google::protobuf::Message& message) {
  pbutil::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string text;
  const auto status = pbutil::MessageToJsonString(message, &text, options);
  if (!status.ok()) {
    throw internal_error("cannot write " + message.GetTypeName() +
                         " as JSON: " + std::string(status.message()));
  }
  return nlohmann::json::parse(text);
}

void decode(const nlohmann::json& doc, google::protobuf::Message& out, const std::string& what) {
  out.Clear();
  if (doc.is_null()) return;
  if (!doc.is_object()) {
    throw internal_error(what + " does not parse as " + out.GetTypeName() +
                         ": it is not a JSON object");
  }
  pbutil::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = pbutil::JsonStringToMessage(doc.dump(), &out, options);
  if (!status.ok()) {
    throw internal_error(what + " does not parse as " + out.GetTypeName() + ": " +
                         std::string(status.message()));
  }
}

}  // namespace automat::common::proto_json
