#include "cli/api_client.h"

#include <algorithm>
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

namespace {

// The raw (still %-encoded) marker of a page's "next" link; "" when none.
std::string next_marker(const nlohmann::json& body) {
  const auto links = body.is_object() ? body.find("links") : body.end();
  if (!body.is_object() || links == body.end() || !links->is_array()) return "";
  for (const auto& link : *links) {
    if (!link.is_object() || link.value("rel", "") != "next") continue;
    const std::string href = link.value("href", "");
    const size_t query = href.find('?');
    if (query == std::string::npos) continue;
    for (size_t at = query + 1; at < href.size();) {
      const size_t amp = std::min(href.find('&', at), href.size());
      if (href.compare(at, 7, "marker=") == 0) return href.substr(at + 7, amp - at - 7);
      at = amp + 1;
    }
  }
  return "";
}

}  // namespace

nlohmann::json ApiClient::get_list(const std::string& path, const std::string& key) {
  constexpr int kMaxPages = 1000;
  nlohmann::json all = nlohmann::json::array();
  std::string page = path;
  std::string last_marker;
  for (int pages = 0; pages < kMaxPages; ++pages) {
    const nlohmann::json body = get(page);
    const auto items = body.is_object() ? body.find(key) : body.end();
    if (body.is_object() && items != body.end() && items->is_array()) {
      for (const auto& item : *items) all.push_back(item);
    }
    const std::string marker = next_marker(body);
    if (marker.empty() || marker == last_marker) break;
    last_marker = marker;
    page = path + (path.find('?') == std::string::npos ? "?" : "&") + "marker=" + marker;
  }
  return all;
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
