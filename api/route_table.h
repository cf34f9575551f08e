#pragma once
// The API's routes as data: each is a method, a path pattern under
// /v1.0/{tenant_id} ("/instances/{instance_id}/databases") and a handler.
// The Router matches a request against the table; docs/openapi.yaml is
// checked against routes() by a test, so the published description and what
// the server answers cannot drift apart.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/http_message.h"
#include "api/request_context.h"

namespace automat::api {

// The values of a matched pattern's {placeholders}, by name.
class PathParams {
 public:
  void set(const std::string& name, std::string value) { values_[name] = std::move(value); }
  // The value of {name}; throws std::out_of_range for a name the pattern lacks.
  const std::string& operator[](const std::string& name) const { return values_.at(name); }

 private:
  std::map<std::string, std::string> values_;
};

using RouteHandler = std::function<Response(const RequestContext&, const PathParams&)>;

struct Route {
  Method method = Method::kGet;
  std::string pattern;  // "/instances/{instance_id}", relative to /v1.0/{tenant_id}
  RouteHandler handler;
};

class RouteTable {
 public:
  // Adds a route. A literal segment wins over a {placeholder} at the same
  // place ("/instances/detail" before "/instances/{instance_id}").
  void add(Method method, std::string pattern, RouteHandler handler);

  struct Match {
    const Route* route = nullptr;  // nullptr: the path exists, the method does not
    PathParams params;
    std::string allow;  // the path's methods, "GET, POST" (for a 405)
  };
  // The route for `method` on the decoded path segments after the tenant
  // id, or nullopt when no pattern matches the path at all.
  std::optional<Match> match(Method method, const std::vector<std::string>& segments) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace automat::api
