// Client text: well-formedness and bounded excerpts (common/client_text.h).
#include <gtest/gtest.h>

#include "common/client_text.h"

namespace automat::common {
namespace {

TEST(ClientText, ValidUtf8RefusesWhatPostgresWouldRefuse) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("plain ascii"));
  EXPECT_TRUE(valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));  // é € 😀
  EXPECT_TRUE(valid_utf8("\xF4\x8F\xBF\xBF"));                           // U+10FFFF
  EXPECT_FALSE(valid_utf8("\xFF"));                                      // never in UTF-8
  EXPECT_FALSE(valid_utf8("\xC0\xAF"));                                  // overlong '/'
  EXPECT_FALSE(valid_utf8("\xE0\x80\xAF"));                              // overlong '/'
  EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));                              // a surrogate
  EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));                          // above U+10FFFF
  EXPECT_FALSE(valid_utf8("ab\xC3"));                                    // cut short
  EXPECT_FALSE(valid_utf8("\x80"));                                      // a lone continuation
}

TEST(ClientText, WellFormedAlsoRefusesNul) {
  EXPECT_TRUE(well_formed("mysql"));
  EXPECT_FALSE(well_formed(std::string("mysql\0junk", 10)));
  EXPECT_FALSE(well_formed("\xFF"));
}

TEST(ClientText, ExcerptIsShortPrintableAndCutOnACharacter) {
  EXPECT_EQ(excerpt("abc"), "abc");
  const std::string long_value(100000, 'x');
  EXPECT_EQ(excerpt(long_value), std::string(kExcerptChars, 'x') + "...");
  // 64 two-byte characters fit; the cut never splits one.
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "\xC3\xA9";
  const std::string cut = excerpt(accents);
  EXPECT_EQ(cut.size(), kExcerptChars * 2 + 3);
  EXPECT_TRUE(valid_utf8(cut));
  // Control characters and stray bytes become '?'.
  EXPECT_EQ(excerpt(std::string("a\0b\nc\x1B[31m\xC2\x85\xFF", 13)), "a?b?c?[31m??");
  EXPECT_EQ(in_quotes("flavor"), "'flavor'");
  EXPECT_EQ(in_quotes(long_value).size(), kExcerptChars + 5);
}

}  // namespace
}  // namespace automat::common
