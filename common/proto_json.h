#pragma once
// Protobuf messages as JSON documents (protobuf's JSON mapping, snake_case
// field names): how typed records are stored in PostgreSQL's jsonb columns.
// Decoding is strict, so a stored document that does not fit its message is
// an error naming the message and what is wrong, never a later type_error.
#include <google/protobuf/message.h>

#include <nlohmann/json.hpp>
#include <string>

namespace automat::common::proto_json {

// `message` as a JSON object (fields at their default values are left out).
nlohmann::json encode(const google::protobuf::Message& message);

// Fills `out` from `doc` (null reads as the empty message). Throws
// common::Error(kInternal) "<what> does not parse as <message type>: <why>"
// when a field is unknown or of the wrong type.
void decode(const nlohmann::json& doc, google::protobuf::Message& out, const std::string& what);

template <typename M>
M decode(const nlohmann::json& doc, const std::string& what) {
  M out;
  decode(doc, out, what);
  return out;
}

}  // namespace automat::common::proto_json
