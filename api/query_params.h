#pragma once
// The query string of a request target ("/path?limit=2&marker=x"), decoded
// once: %-escapes and '+' (a space) in names and values. A parameter given
// twice, a bad %-escape or a NUL byte is a 400 naming the parameter. Names
// a handler does not ask for are ignored, as Trove ignores them.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace automat::api {

class QueryParams {
 public:
  // Throws common::Error(kBadRequest).
  static QueryParams parse(std::string_view target);

  // The value of `name`, or nullopt when absent.
  std::optional<std::string> get(const std::string& name) const;
  // `name` as a boolean: true/false (any case) or nullopt when absent;
  // anything else is a 400.
  std::optional<bool> get_bool(const std::string& name) const;
  // `name` as text to look up (a marker, an id, a type): 1 to 255
  // characters, none of them a control character, or nullopt when absent;
  // anything else is a 400 naming it.
  std::optional<std::string> get_text(const std::string& name) const;

  // The parameters in the order given.
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

  // A query string ("a=1&b=x%20y") of `items`, %-encoding what is not
  // unreserved (RFC 3986).
  static std::string encode(const std::vector<std::pair<std::string, std::string>>& items);

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

}  // namespace automat::api
