#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "common/crypto.h"

namespace automat::common::crypto {
namespace {

TEST(Crypto, Sha256KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, HmacSha256KnownVectors) {
  // RFC 4231 test case 2.
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // RFC 4231 test case 1: key = 20 x 0x0b.
  EXPECT_EQ(hmac_sha256_hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(Crypto, EqualCt) {
  EXPECT_TRUE(equal_ct("abc", "abc"));
  EXPECT_FALSE(equal_ct("abc", "abd"));
  EXPECT_FALSE(equal_ct("abc", "abcd"));
  EXPECT_TRUE(equal_ct("", ""));
}

TEST(Crypto, RandomHexHasTheLengthAndVaries) {
  const std::string a = random_hex(16);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_TRUE(std::regex_match(a, std::regex("[0-9a-f]{32}")));
  EXPECT_NE(a, random_hex(16));
}

TEST(Crypto, Uuid4Format) {
  const std::regex v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string id = uuid4();
    EXPECT_TRUE(std::regex_match(id, v4)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST(Crypto, PasswordAlphabetAndLength) {
  const std::regex alnum("[A-Za-z0-9]+");
  for (size_t len : {1u, 8u, 24u, 100u}) {
    const std::string p = random_password(len);
    EXPECT_EQ(p.size(), len);
    EXPECT_TRUE(std::regex_match(p, alnum)) << p;
  }
  EXPECT_EQ(random_password().size(), 24u);
  EXPECT_NE(random_password(), random_password());
  // Over many characters, both letters and digits turn up.
  const std::string many = random_password(2000);
  EXPECT_NE(many.find_first_of("0123456789"), std::string::npos);
  EXPECT_NE(many.find_first_of("abcdefghijkmnopqrstuvwxyz"), std::string::npos);
  EXPECT_NE(many.find_first_of("ABCDEFGHJKLMNPQRSTUVWXYZ"), std::string::npos);
}

TEST(Crypto, GuestSecretsAreDerivedPerInstanceAndPurpose) {
  const std::string token = guest_rpc_token("secret", "inst-1");
  EXPECT_EQ(token, guest_rpc_token("secret", "inst-1"));
  EXPECT_EQ(token, hmac_sha256_hex("secret", "rpc-token:inst-1"));
  EXPECT_NE(token, guest_rpc_token("secret", "inst-2"));
  EXPECT_NE(token, guest_rpc_token("other", "inst-1"));
  EXPECT_NE(token, guest_signing_key("secret", "inst-1"));
  EXPECT_EQ(guest_signing_key("secret", "inst-1").size(), 64u);
}

}  // namespace
}  // namespace automat::common::crypto
