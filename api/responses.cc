#include "api/responses.h"

#include "api/json_reader.h"
#include "api/views.h"

namespace automat::api {

const char* method_name(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kHead:
      return "HEAD";
    case Method::kOther:
      return "OTHER";
  }
  return "OTHER";
}

Response json_response(int status, const nlohmann::json& doc) {
  Response r;
  r.status = status;
  r.body = to_body(doc);
  return r;
}

Response error_response(common::ErrorCode code, const std::string& message) {
  Response r;
  r.status = static_cast<int>(code);
  r.body = fault_body(common::fault_name(code), r.status, message);
  return r;
}

Response method_not_allowed(Method method, const std::string& path, const std::string& allowed) {
  Response r;
  r.status = 405;
  r.allow = allowed;
  r.body = fault_body(
      "badMethod", 405,
      std::string(method_name(method)) + " is not allowed on " + path + "; use " + allowed);
  return r;
}

nlohmann::json parse_json_body(const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw common::bad_request("the request body is empty; expected a JSON document");
  }
  return read_json(body);
}

}  // namespace automat::api
