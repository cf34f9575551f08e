#pragma once
// Text that came from a client (a path segment, a query value, a JSON
// string): checking it is well-formed, and quoting it in a message. A
// message never carries more than a short, printable excerpt of what a
// client sent, so no request can make an answer or a log line large, and
// no control character from a client reaches a terminal.
#include <cstddef>
#include <string>
#include <string_view>

namespace automat::common {

// Longest excerpt of a client's value in a message, in characters.
inline constexpr size_t kExcerptChars = 64;

// Whether `text` is valid UTF-8 (no overlong forms, no surrogates, nothing
// above U+10FFFF).
bool valid_utf8(std::string_view text);

// Valid UTF-8 without U+0000: what any identifier or value from a client
// must be before it is compared, stored or looked up.
bool well_formed(std::string_view text);

// At most `max_chars` characters of `text`, cut on a character boundary,
// with "..." appended when it was cut. Control characters (C0, DEL, C1) and
// bytes that are not UTF-8 each become '?'.
std::string excerpt(std::string_view text, size_t max_chars = kExcerptChars);

// excerpt(text) in single quotes: "'abc'", "'aaaa...'".
std::string in_quotes(std::string_view text);

}  // namespace automat::common
