#include "api/route_table.h"

#include <algorithm>

#include "api/responses.h"

namespace automat::api {
namespace {

std::vector<std::string> pattern_segments(const std::string& pattern) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < pattern.size()) {
    size_t slash = pattern.find('/', start);
    if (slash == std::string::npos) slash = pattern.size();
    if (slash > start) out.push_back(pattern.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool is_placeholder(const std::string& seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

// How well `pattern` fits `segments`: nullopt when it does not; otherwise a
// string with '2' for each literal match and '1' for each placeholder, so
// that a greater string is a more specific pattern.
std::optional<std::string> fit(const std::vector<std::string>& pattern,
                               const std::vector<std::string>& segments, PathParams* params) {
  if (pattern.size() != segments.size()) return std::nullopt;
  std::string score;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (is_placeholder(pattern[i])) {
      if (params) params->set(pattern[i].substr(1, pattern[i].size() - 2), segments[i]);
      score += '1';
    } else if (pattern[i] == segments[i]) {
      score += '2';
    } else {
      return std::nullopt;
    }
  }
  return score;
}

// GET, HEAD, POST, PUT, PATCH, DELETE: the order Allow lists them in.
int method_rank(Method m) {
  switch (m) {
    case Method::kGet:
      return 0;
    case Method::kHead:
      return 1;
    case Method::kPost:
      return 2;
    case Method::kPut:
      return 3;
    case Method::kPatch:
      return 4;
    case Method::kDelete:
      return 5;
    case Method::kOther:
      return 6;
  }
  return 6;
}

}  // namespace

void RouteTable::add(Method method, std::string pattern, RouteHandler handler) {
  routes_.push_back(Route{method, std::move(pattern), std::move(handler)});
}

std::optional<RouteTable::Match> RouteTable::match(Method method,
                                                   const std::vector<std::string>& segments) const {
  std::optional<std::string> best;
  for (const Route& r : routes_) {
    auto score = fit(pattern_segments(r.pattern), segments, nullptr);
    if (score && (!best || *score > *best)) best = score;
  }
  if (!best) return std::nullopt;
  Match m;
  std::vector<Method> methods;
  for (const Route& r : routes_) {
    const auto segs = pattern_segments(r.pattern);
    if (fit(segs, segments, nullptr) != best) continue;
    methods.push_back(r.method);
    if (r.method == method && !m.route) {
      m.route = &r;
      fit(segs, segments, &m.params);
    }
  }
  std::sort(methods.begin(), methods.end(),
            [](Method a, Method b) { return method_rank(a) < method_rank(b); });
  for (Method each : methods)
    m.allow += (m.allow.empty() ? "" : ", ") + std::string(method_name(each));
  return m;
}

}  // namespace automat::api
