#pragma once
// A scripted cli::HttpClient: answers requests from per-route queues and
// records what was sent, so CLI commands run without a server.
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "cli/errors.h"
#include "cli/http_client.h"

namespace automat::cli::testing {

// A JSON answer with optional extra headers.
inline HttpResponse json_response(int status, const nlohmann::json& body,
                                  std::map<std::string, std::string> headers = {}) {
  HttpResponse response;
  response.status = status;
  response.body = body.is_null() ? "" : body.dump();
  response.headers = std::move(headers);
  return response;
}

class FakeHttpClient : public HttpClient {
 public:
  // Queues `response` for requests with `method` whose URL ends with
  // `path` (query strings are not used by the CLI). Queued answers are used
  // in order; the last one repeats once the queue is down to it.
  void on(const std::string& method, const std::string& path, HttpResponse response) {
    routes_[{method, path}].push_back(Answer{std::move(response), false});
  }
  // Queues a ConnectionError (no answer) for method+path.
  void refuse(const std::string& method, const std::string& path) {
    routes_[{method, path}].push_back(Answer{HttpResponse{}, true});
  }

  HttpResponse send(const HttpRequest& request) override {
    requests.push_back(request);
    for (auto& [route, answers] : routes_) {
      if (route.first != request.method || !ends_with(request.url, route.second)) continue;
      Answer answer = answers.front();
      if (answers.size() > 1) answers.pop_front();
      if (answer.refuse)
        throw ConnectionError("cannot reach automat-api at " + request.url +
                              ": Connection refused");
      return answer.response;
    }
    throw std::logic_error("FakeHttpClient: no answer scripted for " + request.method + " " +
                           request.url);
  }

  // Requests sent with `method` whose URL ends with `path`.
  int count(const std::string& method, const std::string& path) const {
    int n = 0;
    for (const auto& request : requests) {
      if (request.method == method && ends_with(request.url, path)) ++n;
    }
    return n;
  }

  // The last request sent with method+path; throws if there was none.
  const HttpRequest& last(const std::string& method, const std::string& path) const {
    for (auto it = requests.rbegin(); it != requests.rend(); ++it) {
      if (it->method == method && ends_with(it->url, path)) return *it;
    }
    throw std::logic_error("FakeHttpClient: no " + method + " " + path + " was sent");
  }

  std::vector<HttpRequest> requests;

 private:
  struct Answer {
    HttpResponse response;
    bool refuse;
  };
  static bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
  }
  std::map<std::pair<std::string, std::string>, std::deque<Answer>> routes_;
};

}  // namespace automat::cli::testing
