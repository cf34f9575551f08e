#pragma once
// Building Responses: a JSON document with a status, or Trove's error body.
#include <nlohmann/json.hpp>
#include <string>

#include "api/http_message.h"
#include "common/error.h"

namespace automat::api {

Response json_response(int status, const nlohmann::json& doc);

// {"<faultName>": {"code": N, "message": ...}} with the code's HTTP status.
Response error_response(common::ErrorCode code, const std::string& message);

// 405 {"badMethod": {...}} with an Allow header listing `allowed`
// (e.g. "GET, POST").
Response method_not_allowed(Method method, const std::string& path, const std::string& allowed);

// Parses a request body with read_json (api/json_reader.h): bounded
// nesting, numbers in range, no duplicate keys, no U+0000. Throws
// common::Error(kBadRequest) when it is empty or refused (the message never
// repeats the body).
nlohmann::json parse_json_body(const std::string& body);

}  // namespace automat::api
