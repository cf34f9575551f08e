#pragma once
// The CLI's one way out to the network: a blocking HTTP client seam, so the
// commands can be unit-tested against tests/fakes/fake_http_client.h.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace automat::cli {

struct HttpRequest {
  std::string method;  // GET, POST, DELETE, ...
  std::string url;     // absolute: http://host:port/v1.0/<tenant>/...
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent only when non-empty
  std::chrono::milliseconds timeout{30000};
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  // The header's value, or "" when absent. `name` is matched case-insensitively.
  std::string header(const std::string& name) const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Sends `request` and returns whatever status the server answered with
  // (4xx and 5xx included). Throws cli::ConnectionError (cli/errors.h) when
  // no answer came: refused, unresolvable host, timeout.
  virtual HttpResponse send(const HttpRequest& request) = 0;
};

// The libcurl implementation. Keeps one connection alive across calls; not
// thread-safe (the CLI is single-threaded).
std::unique_ptr<HttpClient> make_curl_http_client();

}  // namespace automat::cli
