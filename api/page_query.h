#pragma once
// The page a list request asks for (Trove's ?limit=N&marker=M) and the
// "next" link of the page answered, for lists a guest pages (databases,
// users). Trove's shape: {"<items>": [...], "links": [{"rel": "next",
// "href": ".../users?limit=N&marker=M"}]}, links only while more remain.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/http_message.h"
#include "api/views.h"

namespace automat::api {

struct PageQuery {
  int limit = 0;             // 1..max_limit
  bool limit_given = false;  // the request named a limit (kept in the next link)
  std::string marker;        // "" = from the start
};

// ?limit and ?marker of `request` (percent-decoded). A missing limit, or one
// above `max_limit`, is `max_limit` (Trove caps pages the same way). Throws
// common::Error(kBadRequest) for a limit that is not a positive integer, a
// bad %-escape or a NUL.
PageQuery page_query(const Request& request, int max_limit);

// {"rel": "next", "href": <base>/v1.0/<tenant><path>?[limit=N&]marker=<next>}.
nlohmann::json next_link(const LinkBase& links, const std::string& path, const PageQuery& query,
                         const std::string& next_marker);

// `value` with everything but RFC 3986's unreserved characters %-escaped.
std::string percent_encode(std::string_view value);

}  // namespace automat::api
