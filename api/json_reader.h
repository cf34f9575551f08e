#pragma once
// The one reader of JSON request bodies: nlohmann's parser driven through a
// SAX handler (so nothing recursive runs on the client's nesting) that
// builds the document and refuses, with a 400 naming the field, what no
// request may carry:
//   - arrays and objects nested deeper than a limit: the deep value is never
//     built, so no later step can recurse into it;
//   - a number a double cannot hold (1e400, -1e400, a 400-digit integer);
//   - the same key twice in one object (no silent "last one wins");
//   - U+0000 in any string or key (PostgreSQL would cut the text there).
// Text that is not JSON (or not UTF-8) is a 400 giving the byte offset.
// Messages quote at most a short excerpt of a key and never a value.
#include <nlohmann/json.hpp>
#include <string_view>

namespace automat::api {

// Deepest nesting of arrays and objects a request body may use; the
// document itself is level 1.
inline constexpr int kMaxJsonDepth = 32;

// Parses `text`. Throws common::Error(kBadRequest) as described above.
nlohmann::json read_json(std::string_view text, int max_depth = kMaxJsonDepth);

}  // namespace automat::api
