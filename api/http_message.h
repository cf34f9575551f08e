#pragma once
// The request and response the handler layer works on, independent of the
// HTTP library: the server (http_server.cc) fills a Request from the wire and
// writes the Response back; unit tests build Requests by hand.
#include <string>

namespace automat::api {

enum class Method { kGet, kPost, kPut, kPatch, kDelete, kHead, kOther };

// Upper-case method name for messages and logs ("GET").
const char* method_name(Method method);

struct Request {
  Method method = Method::kGet;
  std::string target;      // path plus optional "?query", as received
  std::string auth_token;  // X-Auth-Token; empty when absent
  std::string body;
  // "req-<uuid>", made by the server for this request (sent back as
  // X-Openstack-Request-Id); the router makes one when it is empty.
  std::string request_id;
};

struct Response {
  int status = 200;
  std::string body;          // JSON text
  std::string operation_id;  // sent as X-Operation-Id when not empty
  std::string allow;         // sent as Allow (405 answers) when not empty
};

}  // namespace automat::api
