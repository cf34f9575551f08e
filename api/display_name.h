#pragma once
// The one rule for a display name (an instance's, a cluster's): text a
// person reads in a list, so it must show something and must not change how
// what follows it is shown. Character classes come from ICU:
//   - 1 to 255 characters of UTF-8;
//   - no control character (General_Category Cc: C0, DEL, C1);
//   - no bidirectional embedding, override or isolate (Bidi_Class LRE, RLE,
//     LRO, RLO, PDF, LRI, RLI, FSI, PDI: U+202A-U+202E, U+2066-U+2069);
//   - at least one character that is not whitespace (White_Space: a
//     no-break space, U+2028, ...), a format character (Cf: a zero-width
//     space, U+202E, ...) or otherwise default-ignorable (a Hangul filler).
#include <string>
#include <string_view>

namespace automat::api {

inline constexpr size_t kMaxDisplayNameChars = 255;

// Throws common::Error(kBadRequest) "<field> <what is wrong>" when `name`
// breaks the rule above; the message never quotes the name.
void check_display_name(std::string_view name, const std::string& field);

}  // namespace automat::api
