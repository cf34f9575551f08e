#pragma once
// The frames of CQL native protocol v4 that the client exchanges, as bytes:
// request encoders and response decoders with no socket behind them.
// A frame is a 9-byte header -- version, flags, stream (int16), opcode,
// body length (uint32), all big-endian -- then the body. Requests carry
// version 0x04, responses 0x84. No compression is ever negotiated.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "datastores/cassandra/common_cql_client.h"

namespace automat::datastores::cassandra::cql {

enum class Opcode : uint8_t {
  kError = 0x00,
  kStartup = 0x01,
  kReady = 0x02,
  kAuthenticate = 0x03,
  kOptions = 0x05,
  kSupported = 0x06,
  kQuery = 0x07,
  kResult = 0x08,
  kPrepare = 0x09,
  kExecute = 0x0A,
  kRegister = 0x0B,
  kEvent = 0x0C,
  kBatch = 0x0D,
  kAuthChallenge = 0x0E,
  kAuthResponse = 0x0F,
  kAuthSuccess = 0x10,
};

inline constexpr uint8_t kProtocolVersion = 0x04;
inline constexpr uint8_t kResponseBit = 0x80;
inline constexpr size_t kHeaderSize = 9;
// The largest body accepted (the protocol's frame length limit).
inline constexpr uint32_t kMaxBodySize = 256u << 20;

// Header flags.
inline constexpr uint8_t kFlagCompression = 0x01;
inline constexpr uint8_t kFlagTracing = 0x02;
inline constexpr uint8_t kFlagCustomPayload = 0x04;
inline constexpr uint8_t kFlagWarning = 0x08;

// The CQL version offered in STARTUP.
inline constexpr const char* kCqlVersion = "3.0.0";

struct FrameHeader {
  uint8_t version = kProtocolVersion;
  uint8_t flags = 0;
  int16_t stream = 0;
  Opcode opcode = Opcode::kError;
  uint32_t length = 0;
};

// The 9 header bytes of `header`.
std::string encode_header(const FrameHeader& header);

// STARTUP with {"CQL_VERSION": "3.0.0"}.
std::string encode_startup(int16_t stream);
// AUTH_RESPONSE carrying the SASL PLAIN token "\0username\0password".
std::string encode_auth_response(int16_t stream, std::string_view username,
                                 std::string_view password);
// QUERY of `cql` at `consistency` with no values, no paging state and the
// server's default page size (flags byte 0).
std::string encode_query(int16_t stream, std::string_view cql, Consistency consistency);

// Parses the first kHeaderSize bytes of a response. Throws
// common::Error(kInternal) when they are not a v4 response header, when the
// body is compressed, or when its length exceeds kMaxBodySize.
FrameHeader decode_header(std::string_view bytes);

// A response body with its optional prefix (tracing id, warnings, custom
// payload -- present as the header's flags say) taken off.
struct ResponseBody {
  std::vector<std::string> warnings;
  std::string_view message;  // the opcode's own body, a view into the input
};
ResponseBody strip_body_prefix(uint8_t flags, std::string_view body);

// The common::Error an ERROR body stands for:
//   Bad credentials, Unauthorized                         -> kUnauthorized
//     (but "Unable to perform authentication: ..." -- the auth tables could
//      not be read -- is kUnavailable: retrying later can succeed)
//   Unavailable, Overloaded, Is_bootstrapping,
//   Read_timeout, Write_timeout                           -> kUnavailable
//   Syntax_error, Invalid, Config_error, Already_exists   -> kBadRequest
//   anything else                                         -> kInternal
// kBadRequest and kUnauthorized carry the server's message as is; the others
// prefix it with the error's name, e.g. "Unavailable: Cannot achieve ...".
common::Error decode_error(std::string_view message_body);

// The authenticator class named by an AUTHENTICATE body.
std::string decode_authenticate(std::string_view message_body);

// The protocol's name for an error code, e.g. "Syntax_error" (0x2000).
std::string error_name(int32_t code);

}  // namespace automat::datastores::cassandra::cql
