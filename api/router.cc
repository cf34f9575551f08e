#include "api/router.h"

#include "api/body_schemas.h"
#include "api/openapi.h"
#include "api/responses.h"
#include "api/views.h"
#include "common/error.h"
#include "common/log.h"

namespace automat::api {
namespace {

// Tenant routes start after "v1.0" and the tenant id.
constexpr size_t kFirst = 2;

const common::SystemClock kSystemClock{};

common::Error no_resource(const std::string& path) {
  return common::not_found("there is no resource at " + path);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    const int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
    const int lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
    if (lo < 0) throw common::bad_request("the request path has a bad %-escape");
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// The body schemas of the published description, compiled once.
const BodySchemas& published_body_schemas() {
  static const BodySchemas schemas(openapi_document());
  return schemas;
}

bool usable_host(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> split_path(std::string_view path) {
  path = path.substr(0, path.find('?'));
  std::vector<std::string> segments;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    const std::string_view seg = path.substr(0, slash);
    if (!seg.empty()) segments.push_back(percent_decode(seg));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

Router::Router(const ApiServices& services, std::string default_base_url)
    : services_(services),
      default_base_url_(std::move(default_base_url)),
      auth_(*services.tokens, services.clock ? *services.clock : kSystemClock,
            std::chrono::seconds(services.limits.token_cache_seconds)),
      instances_(services),
      replicas_(services),
      datastores_(services),
      flavors_(services),
      operations_(services),
      clusters_(services),
      cluster_actions_(services) {
  add_routes();
}

Response Router::handle(const Request& request) const noexcept {
  try {
    return dispatch(request);
  } catch (const common::Error& e) {
    if (e.http_status() >= 500) common::log::error("api.request_failed", {{"error", e.what()}});
    return error_response(e.code(), e.what());
  } catch (const std::exception& e) {
    common::log::error("api.internal_error", {{"error", e.what()}});
  } catch (...) {
    common::log::error("api.internal_error", {{"error", "unknown exception"}});
  }
  return error_response(common::ErrorCode::kInternal,
                        "the server failed to handle this request; the api log has details");
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
  if (segments.empty()) {
    if (request.method != Method::kGet) return method_not_allowed(request.method, "/", "GET");
    return json_response(200, versions_document(base_url(request)));
  }
  if (segments[0] != "v1.0" || segments.size() < 2) throw no_resource(path);

  RequestContext ctx{request, auth_.authenticate(request.auth_token),
                     LinkBase{base_url(request), segments[1]}};
  Authenticator::authorize(*ctx.principal, ctx.tenant_id());
  const std::vector<std::string> rest(segments.begin() + kFirst, segments.end());
  auto match = table_.match(request.method, rest);
  if (!match) throw no_resource(path);
  if (!match->route) return method_not_allowed(request.method, path, match->allow);
  const std::string pattern = "/v1.0/{tenant_id}" + match->route->pattern;
  if (published_body_schemas().expects(request.method, pattern, request.body)) {
    published_body_schemas().check(request.method, pattern, ctx.body());
  }
  return match->route->handler(ctx, match->params);
}

std::string Router::base_url(const Request& request) const {
  return usable_host(request.host) ? "http://" + request.host : default_base_url_;
}

}  // namespace automat::api
