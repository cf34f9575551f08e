#include "cli/api_client.h"

#include <cctype>
#include <cstdio>

#include "cli/errors.h"

namespace automat::cli {
namespace {

nlohmann::json parse_body(const HttpResponse& response, const std::string& url) {
  if (response.body.empty()) return nullptr;
  auto json = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    throw common::Error(common::ErrorCode::kInternal, "the server at " + url + " answered " +
                                                          std::to_string(response.status) +
                                                          " with a body that is not JSON");
  }
  return json;
}

}  // namespace

ApiClient::ApiClient(HttpClient& http, std::string endpoint, std::string token,
                     std::chrono::milliseconds request_timeout)
    : http_(http),
      endpoint_(std::move(endpoint)),
      token_(std::move(token)),
      request_timeout_(request_timeout) {
  while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
}

HttpResponse ApiClient::send(const std::string& method, const std::string& path,
                             const std::string& body) {
  HttpRequest request;
  request.method = method;
  request.url = endpoint_ + path;
  request.headers = {{"X-Auth-Token", token_}, {"Accept", "application/json"}};
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  request.body = body;
  request.timeout = request_timeout_;
  HttpResponse response = http_.send(request);
  if (response.status >= 400) throw error_from_response(response.status, response.body);
  return response;
}

nlohmann::json ApiClient::get(const std::string& path) {
  HttpResponse response = send("GET", path, "");
  return parse_body(response, endpoint_ + path);
}

Accepted ApiClient::post(const std::string& path, const nlohmann::json& body) {
  return accepted(send("POST", path, body.dump()));
}

Accepted ApiClient::remove(const std::string& path) { return accepted(send("DELETE", path, "")); }

Accepted ApiClient::put(const std::string& path, const nlohmann::json& body) {
  return accepted(send("PUT", path, body.dump()));
}

Accepted ApiClient::accepted(const HttpResponse& response) const {
  Accepted result;
  result.status = response.status;
  result.body = parse_body(response, endpoint_);
  result.operation_id = response.header("X-Operation-Id");
  if (result.operation_id.empty() && result.body.is_object()) {
    auto operation = result.body.find("operation");
    if (operation != result.body.end() && operation->is_object()) {
      auto id = operation->find("id");
      if (id != operation->end() && id->is_string()) result.operation_id = id->get<std::string>();
    }
  }
  return result;
}

std::string path_segment(const std::string& segment) {
  std::string out;
  for (unsigned char c : segment) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", c);
      out += escaped;
    }
  }
  return out;
}

}  // namespace automat::cli
