#pragma once
// Calls to the tenant's automat-api endpoint (Trove v1.0 paths under
// /v1.0/<tenant_id>), in JSON, with the X-Auth-Token header.
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/http_client.h"

namespace automat::cli {

// A 202 (or other success) answer to a request that started an operation.
struct Accepted {
  int status = 0;
  nlohmann::json body;       // null when the server sent no body
  std::string operation_id;  // X-Operation-Id, else body.operation.id; "" when neither
};

class ApiClient {
 public:
  // `endpoint` is the tenant's full URL (trailing slashes ignored); requests
  // use `request_timeout` each. Does not take ownership of `http`.
  ApiClient(HttpClient& http, std::string endpoint, std::string token,
            std::chrono::milliseconds request_timeout);

  // GET endpoint+path; returns the parsed body. Throws common::Error with the
  // server's status and message on >= 400, ConnectionError without an answer.
  nlohmann::json get(const std::string& path);
  // GET a list endpoint and every further page its "next" links name
  // (Trove's pagination: the same path with ?marker=...); returns body[key]
  // of all pages, in order (an empty array when absent). Same errors as get().
  nlohmann::json get_list(const std::string& path, const std::string& key);
  // POST `body` as JSON; same error contract as get().
  Accepted post(const std::string& path, const nlohmann::json& body);
  // DELETE; same error contract as get().
  Accepted remove(const std::string& path);
  // PUT `body` as JSON (the answer's body in Accepted::body); same error
  // contract as get().
  Accepted put(const std::string& path, const nlohmann::json& body);

  const std::string& endpoint() const { return endpoint_; }

 private:
  HttpResponse send(const std::string& method, const std::string& path, const std::string& body);
  Accepted accepted(const HttpResponse& response) const;

  HttpClient& http_;
  std::string endpoint_;
  std::string token_;
  std::chrono::milliseconds request_timeout_;
};

// `segment` percent-encoded for use as one path segment (ids, names).
std::string path_segment(const std::string& segment);

}  // namespace automat::cli
