#include "api/display_name.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "common/error.h"

namespace automat::api {
namespace {

common::Error refused(const std::string& field, const std::string& problem) {
  return common::bad_request(field + " " + problem);
}

bool directional_formatting(UChar32 c) {
  switch (u_charDirection(c)) {
    case U_LEFT_TO_RIGHT_EMBEDDING:
    case U_LEFT_TO_RIGHT_OVERRIDE:
    case U_RIGHT_TO_LEFT_EMBEDDING:
    case U_RIGHT_TO_LEFT_OVERRIDE:
    case U_POP_DIRECTIONAL_FORMAT:
    case U_LEFT_TO_RIGHT_ISOLATE:
    case U_RIGHT_TO_LEFT_ISOLATE:
    case U_FIRST_STRONG_ISOLATE:
    case U_POP_DIRECTIONAL_ISOLATE:
      return true;
    default:
      return false;
  }
}

// Shows nothing by itself.
bool invisible(UChar32 c) {
  return u_isUWhiteSpace(c) || u_charType(c) == U_FORMAT_CHAR ||
         u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

}  // namespace

void check_display_name(std::string_view name, const std::string& field) {
  if (name.empty()) throw refused(field, "must not be empty");
  const auto* bytes = reinterpret_cast<const uint8_t*>(name.data());
  const auto length = static_cast<int32_t>(name.size());
  size_t chars = 0;
  bool visible = false;
  for (int32_t i = 0; i < length;) {
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) throw refused(field, "must be UTF-8 text");
    if (++chars > kMaxDisplayNameChars) {
      throw refused(field,
                    "must be at most " + std::to_string(kMaxDisplayNameChars) + " characters");
    }
    if (u_charType(c) == U_CONTROL_CHAR) {
      throw refused(field, "must not contain control characters");
    }
    if (directional_formatting(c)) {
      throw refused(field,
                    "must not contain bidirectional embedding, override or isolate characters "
                    "(U+202A to U+202E, U+2066 to U+2069)");
    }
    visible = visible || !invisible(c);
  }
  if (!visible) {
    throw refused(field,
                  "must not be empty: it has only spaces or invisible characters (such as "
                  "U+200B, U+2028 or a no-break space)");
  }
}

}  // namespace automat::api
