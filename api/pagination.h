#pragma once
// Trove's pagination of list endpoints: ?limit=N&marker=ID. A page holds the
// items that come after the one whose id is `marker`, in the list's stable
// order, up to `limit` of them; `limit` is capped at the server's page size
// ([api] max_page_size), which is also the page when no limit is given.
// When more items remain, the body's "links" holds
//   {"rel": "next", "href": <this URL, marker = the page's last id>}
// and is [] otherwise. A limit that is not a whole number from 1 up, or a
// marker that is not the id of an item of the list (or has control
// characters), is a 400.
#include <algorithm>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/request_context.h"

namespace automat::api {

struct PageRequest {
  size_t limit = 0;  // already capped; at least 1
  std::optional<std::string> marker;
};

// The page asked for by the request's query. Throws common::Error(400).
PageRequest page_request(const RequestContext& ctx, size_t max_page_size);

// The 400 for a marker that names no item of `what` ("instance").
[[noreturn]] void throw_unknown_marker(const std::string& marker, const std::string& what);

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_marker;  // set when more items remain
};

// The page of `all` (in its stable order) that `request` asks for; `id_of`
// gives an item's id, `what` names an item for the unknown-marker 400.
template <typename T, typename IdOf>
Page<T> page_of(const std::vector<T>& all, const PageRequest& request, IdOf id_of,
                const std::string& what) {
  size_t start = 0;
  if (request.marker) {
    const auto it = std::find_if(all.begin(), all.end(),
                                 [&](const T& item) { return id_of(item) == *request.marker; });
    if (it == all.end()) throw_unknown_marker(*request.marker, what);
    start = static_cast<size_t>(it - all.begin()) + 1;
  }
  const size_t count = std::min(request.limit, all.size() - start);
  Page<T> page;
  page.items.assign(all.begin() + static_cast<std::ptrdiff_t>(start),
                    all.begin() + static_cast<std::ptrdiff_t>(start + count));
  if (start + count < all.size() && !page.items.empty()) {
    page.next_marker = id_of(page.items.back());
  }
  return page;
}

// {"<key>": items, "links": [] or [{"rel": "next", "href": ...}]}: the href
// is this request's URL (on the configured base) with marker = next_marker.
nlohmann::json paged_body(const RequestContext& ctx, const char* key, nlohmann::json items,
                          const std::optional<std::string>& next_marker);

}  // namespace automat::api
