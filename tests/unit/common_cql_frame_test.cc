// CQL v4 framing without a server: requests byte for byte, response headers,
// body prefixes and ERROR bodies mapped to common::Error codes.
#include "datastores/cassandra/common_cql_frame.h"

#include <gtest/gtest.h>

#include "tests/support/cql_bytes.h"

namespace automat::datastores::cassandra::cql {
namespace {

namespace b = testing::cql_bytes;

std::string header(uint8_t opcode, int16_t stream, uint32_t length) {
  return b::u8(0x04) + b::u8(0) + b::u16(static_cast<uint16_t>(stream)) + b::u8(opcode) +
         b::i32(static_cast<int32_t>(length));
}

TEST(CqlEncode, StartupOffersCql300) {
  const std::string body = b::u16(1) + b::str("CQL_VERSION") + b::str("3.0.0");
  ASSERT_EQ(body.size(), 22u);
  EXPECT_EQ(encode_startup(0), header(0x01, 0, 22) + body);
  // Literal bytes, in case the helpers above share a mistake with the encoder.
  const std::string exact(
      "\x04\x00\x00\x00\x01\x00\x00\x00\x16\x00\x01\x00\x0b"
      "CQL_VERSION\x00\x05"
      "3.0.0",
      31);
  EXPECT_EQ(encode_startup(0), exact);
}

TEST(CqlEncode, AuthResponseCarriesSaslPlainToken) {
  const std::string token("\0cassandra\0s3cret", 17);
  const std::string exact("\x04\x00\x00\x02\x0f\x00\x00\x00\x15\x00\x00\x00\x11", 13);
  EXPECT_EQ(encode_auth_response(2, "cassandra", "s3cret"), exact + token);
}

TEST(CqlEncode, QueryHasLongStringConsistencyAndNoFlags) {
  const std::string exact(
      "\x04\x00\x00\x03\x07\x00\x00\x00\x0f\x00\x00\x00\x08"
      "SELECT 1"
      "\x00\x04\x00",
      24);
  EXPECT_EQ(encode_query(3, "SELECT 1", Consistency::kQuorum), exact);
  const std::string local_one = encode_query(0x1234, "x", Consistency::kLocalOne);
  EXPECT_EQ(local_one.substr(2, 2), std::string("\x12\x34", 2));
  EXPECT_EQ(local_one.substr(14, 2), std::string("\x00\x0a", 2));
}

TEST(CqlEncode, HeaderRoundTripsThroughDecode) {
  FrameHeader h;
  h.version = 0x84;
  h.flags = kFlagWarning;
  h.stream = -1;
  h.opcode = Opcode::kEvent;
  h.length = 70000;
  const FrameHeader back = decode_header(encode_header(h));
  EXPECT_EQ(back.flags, kFlagWarning);
  EXPECT_EQ(back.stream, -1);
  EXPECT_EQ(back.opcode, Opcode::kEvent);
  EXPECT_EQ(back.length, 70000u);
}

TEST(CqlDecodeHeader, ReadsAResponseHeader) {
  const FrameHeader h = decode_header(b::response(0x08, "abcd", 5));
  EXPECT_EQ(h.version, 0x84);
  EXPECT_EQ(h.stream, 5);
  EXPECT_EQ(h.opcode, Opcode::kResult);
  EXPECT_EQ(h.length, 4u);
}

void expect_internal(const std::string& bytes, const std::string& fragment) {
  try {
    decode_header(bytes);
    ADD_FAILURE() << "decoded a bad header";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kInternal);
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(CqlDecodeHeader, RefusesRequestsOtherVersionsCompressionAndHugeBodies) {
  expect_internal(header(0x08, 0, 0), "0x04");  // a request, not a response
  expect_internal(b::u8(0x85) + b::response(0x08, "").substr(1), "0x85");  // protocol v5
  expect_internal(b::response(0x08, "", 0, kFlagCompression), "compressed");
  std::string big = b::response(0x08, "");
  big.replace(5, 4, b::i32((256 << 20) + 1));
  expect_internal(big, "256 MiB");
  std::string limit = b::response(0x08, "");
  limit.replace(5, 4, b::i32(256 << 20));
  EXPECT_EQ(decode_header(limit).length, 256u << 20);
  expect_internal(std::string("\x84\x00\x00", 3), "frame header");
}

TEST(CqlBodyPrefix, SkipsTracingWarningsAndCustomPayload) {
  const std::string message = b::i32(1);
  const std::string tracing(16, '\x7f');
  const std::string warnings = b::u16(2) + b::str("w1") + b::str("second warning");
  const std::string payload = b::u16(1) + b::str("k") + b::bytes("v");
  const auto all = strip_body_prefix(kFlagTracing | kFlagWarning | kFlagCustomPayload,
                                     tracing + warnings + payload + message);
  EXPECT_EQ(all.message, message);
  EXPECT_EQ(all.warnings, (std::vector<std::string>{"w1", "second warning"}));
  EXPECT_EQ(strip_body_prefix(0, message).message, message);
  EXPECT_THROW(strip_body_prefix(kFlagTracing, "short"), common::Error);
}

struct ErrorCase {
  int32_t code;
  common::ErrorCode expected;
};

TEST(CqlDecodeError, MapsEveryProtocolErrorToAnHttpCode) {
  const ErrorCase cases[] = {
      {0x0000, common::ErrorCode::kInternal},     {0x000A, common::ErrorCode::kInternal},
      {0x0100, common::ErrorCode::kUnauthorized}, {0x1000, common::ErrorCode::kUnavailable},
      {0x1001, common::ErrorCode::kUnavailable},  {0x1002, common::ErrorCode::kUnavailable},
      {0x1003, common::ErrorCode::kInternal},     {0x1100, common::ErrorCode::kUnavailable},
      {0x1200, common::ErrorCode::kUnavailable},  {0x1300, common::ErrorCode::kInternal},
      {0x1400, common::ErrorCode::kInternal},     {0x1500, common::ErrorCode::kInternal},
      {0x2000, common::ErrorCode::kBadRequest},   {0x2100, common::ErrorCode::kUnauthorized},
      {0x2200, common::ErrorCode::kBadRequest},   {0x2300, common::ErrorCode::kBadRequest},
      {0x2400, common::ErrorCode::kBadRequest},   {0x2500, common::ErrorCode::kInternal},
      {0x7777, common::ErrorCode::kInternal},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(decode_error(b::error_body(c.code, "m")).code(), c.expected) << std::hex << c.code;
  }
}

TEST(CqlDecodeError, KeepsTheServersMessage) {
  const std::string syntax = "line 1:0 no viable alternative at input 'SELEC' ([SELEC]...)";
  const common::Error e = decode_error(b::error_body(0x2000, syntax));
  EXPECT_EQ(e.what(), syntax);
  const common::Error bad_login =
      decode_error(b::error_body(0x0100, "Provided username x and/or password are incorrect"));
  EXPECT_EQ(bad_login.code(), common::ErrorCode::kUnauthorized);
  EXPECT_STREQ(bad_login.what(), "Provided username x and/or password are incorrect");
  // Unavailable carries consistency, required and alive after the message.
  const common::Error down =
      decode_error(b::error_body(0x1000, "Cannot achieve consistency level QUORUM") + b::u16(4) +
                   b::i32(2) + b::i32(1));
  EXPECT_EQ(down.code(), common::ErrorCode::kUnavailable);
  EXPECT_STREQ(down.what(), "Unavailable: Cannot achieve consistency level QUORUM");
  EXPECT_THROW(decode_error(b::i32(0x2000) + b::u16(10) + "short"), common::Error);
}

TEST(CqlDecodeError, AuthBackendFailureIsUnavailableNotBadCredentials) {
  const common::Error e = decode_error(b::error_body(
      0x0100, "Unable to perform authentication: Cannot achieve consistency level LOCAL_ONE"));
  EXPECT_EQ(e.code(), common::ErrorCode::kUnavailable);
  EXPECT_NE(std::string(e.what()).find("Bad_credentials"), std::string::npos);
}

TEST(CqlDecodeAuthenticate, NamesTheAuthenticator) {
  EXPECT_EQ(decode_authenticate(b::str("org.apache.cassandra.auth.PasswordAuthenticator")),
            "org.apache.cassandra.auth.PasswordAuthenticator");
  EXPECT_THROW(decode_authenticate(b::u16(40) + "x"), common::Error);
}

}  // namespace
}  // namespace automat::datastores::cassandra::cql
