#include "api/router.h"

#include <optional>

#include "api/body_schemas.h"
#include "api/openapi.h"
#include "api/responses.h"
#include "api/views.h"
#include "common/client_text.h"
#include "common/crypto.h"
#include "common/error.h"
#include "common/log.h"

namespace automat::api {
namespace {

// Tenant routes start after "v1.0" and the tenant id.
constexpr size_t kFirst = 2;

const common::SystemClock kSystemClock{};

// Longest excerpt of a request path in a message, in characters.
constexpr size_t kPathExcerptChars = 160;

common::Error no_resource(std::string_view path) {
  return common::not_found("there is no resource at " + common::excerpt(path, kPathExcerptChars));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `s` with %XX decoded (and '+' as a space when `plus_is_space`); nullopt
// on a bad %-escape.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space = false) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += plus_is_space && s[i] == '+' ? ' ' : s[i];
      continue;
    }
    const int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
    const int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
    if (lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// What a 5xx says: nothing but what happened in general and the request id.
Response server_fault(common::ErrorCode code, const std::string& request_id) {
  const std::string what =
      code == common::ErrorCode::kUnavailable ? "the service is temporarily unavailable"
      : code == common::ErrorCode::kTimedOut  ? "the service did not answer in time"
                                              : "internal error";
  return error_response(code, what + " (request " + request_id + ")");
}

}  // namespace

std::vector<std::string> split_path(std::string_view path) {
  path = path.substr(0, path.find('?'));
  const std::string_view whole = path;
  std::vector<std::string> segments;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    const std::string_view seg = path.substr(0, slash);
    if (!seg.empty()) {
      auto decoded = percent_decode(seg);
      if (!decoded) throw common::bad_request("the request path has a bad %-escape");
      // No resource has such a name: answer before anything is looked up.
      if (!common::well_formed(*decoded)) throw no_resource(whole);
      segments.push_back(std::move(*decoded));
    }
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

std::vector<std::pair<std::string, std::string>> query_params(std::string_view target) {
  std::vector<std::pair<std::string, std::string>> out;
  const size_t mark = target.find('?');
  if (mark == std::string_view::npos) return out;
  std::string_view query = target.substr(mark + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      auto name = percent_decode(pair.substr(0, eq), true);
      auto value = eq == std::string_view::npos ? std::optional<std::string>("")
                                                : percent_decode(pair.substr(eq + 1), true);
      const std::string shown = common::in_quotes(name ? *name : pair.substr(0, eq));
      if (!name || !value) {
        throw common::bad_request("the query parameter " + shown + " has a bad %-escape");
      }
      if (!common::well_formed(*name) || !common::well_formed(*value)) {
        throw common::bad_request("the query parameter " + shown +
                                  " must be UTF-8 text without U+0000");
      }
      out.emplace_back(std::move(*name), std::move(*value));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

Router::Router(const ApiServices& services, std::string public_endpoint)
    : services_(services),
      public_endpoint_(std::move(public_endpoint)),
      auth_(*services.tokens, services.clock ? *services.clock : kSystemClock,
            std::chrono::seconds(services.limits.token_cache_seconds)),
      instances_(services),
      replicas_(services),
      instance_actions_(services, replicas_),
      datastores_(services),
      flavors_(services),
      operations_(services),
      clusters_(services),
      cluster_actions_(services),
      quotas_(services),
      backups_(services),
      backup_schedules_(services) {
  add_routes();
}

Response Router::handle(const Request& request) const noexcept {
  std::string request_id;
  try {
    request_id = request.request_id.empty() ? "req-" + common::crypto::uuid4() : request.request_id;
    const common::log::RequestScope scope(request_id);
    try {
      return dispatch(request);
    } catch (const common::Error& e) {
      const bool hidden = e.code() == common::ErrorCode::kInternal ||
                          e.code() == common::ErrorCode::kUnavailable ||
                          e.code() == common::ErrorCode::kTimedOut;
      if (!hidden) return error_response(e.code(), e.what());
      common::log::error("api.request_failed",
                         {{"status", std::to_string(e.http_status())}, {"error", e.what()}});
      return server_fault(e.code(), request_id);
    } catch (const std::exception& e) {
      common::log::error("api.internal_error", {{"error", e.what()}});
    }
  } catch (...) {
    common::log::error("api.internal_error", {{"error", "unknown exception"}});
  }
  return server_fault(common::ErrorCode::kInternal, request_id.empty() ? "-" : request_id);
}

std::vector<std::pair<Method, std::string>> Router::routes() const {
  std::vector<std::pair<Method, std::string>> out{{Method::kGet, "/"}};
  for (const Route& r : table_.routes())
    out.emplace_back(r.method, "/v1.0/{tenant_id}" + r.pattern);
  return out;
}

Response Router::dispatch(const Request& request) const {
  if (request.body.size() > services_.limits.max_body_bytes) {
    return error_response(common::ErrorCode::kOverLimit,
                          "the request body is larger than " +
                              std::to_string(services_.limits.max_body_bytes) + " bytes");
  }
  const std::string path = request.target.substr(0, request.target.find('?'));
  const std::vector<std::string> segments = split_path(path);
  query_params(request.target);  // refuses what no handler may read
  if (segments.empty()) {
    if (request.method != Method::kGet) return method_not_allowed(request.method, "/", "GET");
    return json_response(200, versions_document(public_endpoint_));
  }
  if (segments[0] != "v1.0" || segments.size() < 2) throw no_resource(path);

  RequestContext ctx{request, auth_.authenticate(request.auth_token),
                     LinkBase{public_endpoint_, segments[1], services_.region}};
  Authenticator::authorize(*ctx.principal, ctx.tenant_id());
  const std::vector<std::string> rest(segments.begin() + kFirst, segments.end());
  auto match = table_.match(request.method, rest);
  if (!match) throw no_resource(path);
  if (!match->route) {
    return method_not_allowed(request.method, common::excerpt(path, kPathExcerptChars),
                              match->allow);
  }
  const std::string pattern = "/v1.0/{tenant_id}" + match->route->pattern;
  if (published_body_schemas().expects(request.method, pattern, request.body)) {
    published_body_schemas().check(request.method, pattern, ctx.body());
  }
  return match->route->handler(ctx, match->params);
}

}  // namespace automat::api
