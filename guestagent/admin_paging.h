#pragma once
// Paging a sorted list the way proto PageRequest asks (database_admin.proto):
// the items after a marker, at most a limit, and the marker of the next page.
// Shared by the datastores' DatabaseAdmin implementations.
#include <string>
#include <utility>
#include <vector>

namespace automat::guestagent {

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_marker;  // "" when nothing follows
};

// The items of `sorted` (ascending by key(item)) whose key is greater than
// `marker`, at most `limit` of them (limit <= 0: all); next_marker is the key
// of the last item given when more remain.
template <typename T, typename KeyFn>
Page<T> page_after(const std::vector<T>& sorted, int limit, const std::string& marker, KeyFn key) {
  Page<T> page;
  for (const T& item : sorted) {
    if (!marker.empty() && !(key(item) > marker)) continue;
    if (limit > 0 && static_cast<int>(page.items.size()) == limit) {
      page.next_marker = key(page.items.back());
      break;
    }
    page.items.push_back(item);
  }
  return page;
}

}  // namespace automat::guestagent
