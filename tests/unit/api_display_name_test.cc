// The one rule for display names (api/display_name.h).
#include <gtest/gtest.h>

#include "api/display_name.h"
#include "common/error.h"

namespace automat::api {
namespace {

std::string refusal(const std::string& name) {
  try {
    check_display_name(name, "instance.name");
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
    EXPECT_EQ(std::string(e.what()).rfind("instance.name ", 0), 0u) << e.what();
    return e.what();
  }
  return "";
}

TEST(DisplayName, AcceptsWhatPeopleWrite) {
  for (const char* name : {"orders", "db 1", "Bestellungen-2024", "caf\xC3\xA9",
                           "\xE6\x95\xB0\xE6\x8D\xAE\xE5\xBA\x93",  // 数据库
                           "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D",      // שלום (right to left)
                           "a\xC2\xA0"
                           "b",                    // a no-break space inside
                           "\xF0\x9F\x90\xAC"}) {  // 🐬
    SCOPED_TRACE(name);
    EXPECT_EQ(refusal(name), "");
  }
  EXPECT_EQ(refusal(std::string(255, 'x')), "");
  std::string wide;
  for (int i = 0; i < 255; ++i) wide += "\xC3\xA9";  // 255 characters, 510 bytes
  EXPECT_EQ(refusal(wide), "");
}

TEST(DisplayName, RefusesNamesThatShowNothing) {
  for (const char* name : {" ", "\xE2\x80\xA8",             // U+2028 line separator
                           "\xE2\x80\x8B",                  // zero-width space
                           "\xC2\xA0\xC2\xA0",              // no-break spaces
                           "\xE3\x85\xA4",                  // Hangul filler U+3164
                           "\xEF\xBB\xBF",                  // BOM / zero-width no-break space
                           "\xE2\x81\xA0 \xE3\x80\x80"}) {  // word joiner, ideographic space
    SCOPED_TRACE(name);
    EXPECT_NE(refusal(name), "");
  }
  EXPECT_NE(refusal("\xE2\x80\x8B\xE2\x80\xA8 ").find("must not be empty"), std::string::npos);
  EXPECT_NE(refusal("").find("must not be empty"), std::string::npos);
}

TEST(DisplayName, RefusesBidirectionalOverridesAndIsolates) {
  for (const char* bidi :
       {"\xE2\x80\xAA", "\xE2\x80\xAB", "\xE2\x80\xAC", "\xE2\x80\xAD", "\xE2\x80\xAE",
        "\xE2\x81\xA6", "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9"}) {
    const std::string name = std::string("invoice") + bidi + "fdp.exe";
    EXPECT_NE(refusal(name).find("bidirectional"), std::string::npos) << name;
  }
}

TEST(DisplayName, RefusesEveryControlCharacter) {
  for (const std::string& c : {std::string(1, '\0'), std::string("\t"), std::string("\n"),
                               std::string("\x1B"), std::string("\x7F"), std::string("\xC2\x80"),
                               std::string("\xC2\x85"), std::string("\xC2\x9F")}) {
    EXPECT_NE(refusal("db" + c + "1").find("control characters"), std::string::npos);
  }
}

TEST(DisplayName, CountsCharactersNotBytes) {
  EXPECT_NE(refusal(std::string(256, 'x')).find("at most 255 characters"), std::string::npos);
  EXPECT_NE(refusal("\xFF").find("UTF-8"), std::string::npos);
}

}  // namespace
}  // namespace automat::api
