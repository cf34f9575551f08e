#include "datastores/cassandra/common_cql_frame.h"

#include <cstdio>

#include "datastores/cassandra/common_cql_wire.h"

namespace automat::datastores::cassandra::cql {
namespace {

// Error codes of the v4 specification (section 9).
constexpr int32_t kServerError = 0x0000;
constexpr int32_t kProtocolError = 0x000A;
constexpr int32_t kBadCredentials = 0x0100;
constexpr int32_t kUnavailableError = 0x1000;
constexpr int32_t kOverloaded = 0x1001;
constexpr int32_t kIsBootstrapping = 0x1002;
constexpr int32_t kTruncateError = 0x1003;
constexpr int32_t kWriteTimeout = 0x1100;
constexpr int32_t kReadTimeout = 0x1200;
constexpr int32_t kReadFailure = 0x1300;
constexpr int32_t kFunctionFailure = 0x1400;
constexpr int32_t kWriteFailure = 0x1500;
constexpr int32_t kSyntaxError = 0x2000;
constexpr int32_t kUnauthorizedError = 0x2100;
constexpr int32_t kInvalid = 0x2200;
constexpr int32_t kConfigError = 0x2300;
constexpr int32_t kAlreadyExists = 0x2400;
constexpr int32_t kUnprepared = 0x2500;

// What PasswordAuthenticator says when it could not read the credentials
// (e.g. system_auth unavailable), as opposed to wrong ones.
constexpr std::string_view kAuthBackendFailure = "Unable to perform authentication";

std::string frame(int16_t stream, Opcode opcode, const std::string& body) {
  if (body.size() > kMaxBodySize) {
    throw common::Error(
        common::ErrorCode::kBadRequest,
        "CQL request of " + std::to_string(body.size()) + " bytes exceeds the 256 MiB frame limit");
  }
  FrameHeader h;
  h.stream = stream;
  h.opcode = opcode;
  h.length = static_cast<uint32_t>(body.size());
  return encode_header(h) + body;
}

common::ErrorCode code_for(int32_t code, std::string_view message) {
  switch (code) {
    case kBadCredentials:
      return message.starts_with(kAuthBackendFailure) ? common::ErrorCode::kUnavailable
                                                      : common::ErrorCode::kUnauthorized;
    case kUnauthorizedError:
      return common::ErrorCode::kUnauthorized;
    case kUnavailableError:
    case kOverloaded:
    case kIsBootstrapping:
    case kReadTimeout:
    case kWriteTimeout:
      return common::ErrorCode::kUnavailable;
    case kSyntaxError:
    case kInvalid:
    case kConfigError:
    case kAlreadyExists:
      return common::ErrorCode::kBadRequest;
    default:
      return common::ErrorCode::kInternal;
  }
}

}  // namespace

std::string encode_header(const FrameHeader& header) {
  ByteWriter w;
  w.byte(header.version);
  w.byte(header.flags);
  w.u16(static_cast<uint16_t>(header.stream));
  w.byte(static_cast<uint8_t>(header.opcode));
  w.i32(static_cast<int32_t>(header.length));
  return w.take();
}

std::string encode_startup(int16_t stream) {
  ByteWriter body;
  body.string_map({{"CQL_VERSION", kCqlVersion}});
  return frame(stream, Opcode::kStartup, body.data());
}

std::string encode_auth_response(int16_t stream, std::string_view username,
                                 std::string_view password) {
  std::string token;
  token.reserve(username.size() + password.size() + 2);
  token.push_back('\0');
  token.append(username);
  token.push_back('\0');
  token.append(password);
  ByteWriter body;
  body.bytes(token);
  return frame(stream, Opcode::kAuthResponse, body.data());
}

std::string encode_query(int16_t stream, std::string_view cql, Consistency consistency) {
  ByteWriter body;
  body.long_string(cql);
  body.u16(static_cast<uint16_t>(consistency));
  body.byte(0);  // query flags: no values, no paging state, default page size
  return frame(stream, Opcode::kQuery, body.data());
}

FrameHeader decode_header(std::string_view bytes) {
  ByteReader r(bytes);
  FrameHeader h;
  h.version = r.byte("frame header");
  h.flags = r.byte("frame header");
  h.stream = r.i16("frame header");
  h.opcode = static_cast<Opcode>(r.byte("frame header"));
  h.length = static_cast<uint32_t>(r.i32("frame header"));
  if (h.version != (kResponseBit | kProtocolVersion)) {
    char version[8];
    std::snprintf(version, sizeof version, "0x%02x", h.version);
    throw common::Error(common::ErrorCode::kInternal, std::string("unexpected CQL frame version ") +
                                                          version +
                                                          " (this client speaks protocol v4 only)");
  }
  if (h.flags & kFlagCompression) {
    throw common::Error(common::ErrorCode::kInternal,
                        "CQL server sent a compressed frame though none was agreed");
  }
  if (h.length > kMaxBodySize) {
    throw common::Error(
        common::ErrorCode::kInternal,
        "CQL response of " + std::to_string(h.length) + " bytes exceeds the 256 MiB frame limit");
  }
  return h;
}

ResponseBody strip_body_prefix(uint8_t flags, std::string_view body) {
  ByteReader r(body);
  ResponseBody out;
  if (flags & kFlagTracing) r.raw(16, "tracing id");
  if (flags & kFlagWarning) out.warnings = r.string_list("warnings");
  if (flags & kFlagCustomPayload) {
    const uint16_t n = r.u16("custom payload");
    for (uint16_t i = 0; i < n; ++i) {
      r.string("custom payload key");
      r.bytes("custom payload value");
    }
  }
  out.message = r.rest();
  return out;
}

common::Error decode_error(std::string_view message_body) {
  ByteReader r(message_body);
  const int32_t code = r.i32("error code");
  const std::string message = r.string("error message");
  const common::ErrorCode mapped = code_for(code, message);
  if (mapped == common::ErrorCode::kBadRequest || mapped == common::ErrorCode::kUnauthorized) {
    return common::Error(mapped, message);
  }
  return common::Error(mapped, error_name(code) + ": " + message);
}

std::string decode_authenticate(std::string_view message_body) {
  ByteReader r(message_body);
  return r.string("authenticator");
}

std::string error_name(int32_t code) {
  switch (code) {
    case kServerError:
      return "Server_error";
    case kProtocolError:
      return "Protocol_error";
    case kBadCredentials:
      return "Bad_credentials";
    case kUnavailableError:
      return "Unavailable";
    case kOverloaded:
      return "Overloaded";
    case kIsBootstrapping:
      return "Is_bootstrapping";
    case kTruncateError:
      return "Truncate_error";
    case kWriteTimeout:
      return "Write_timeout";
    case kReadTimeout:
      return "Read_timeout";
    case kReadFailure:
      return "Read_failure";
    case kFunctionFailure:
      return "Function_failure";
    case kWriteFailure:
      return "Write_failure";
    case kSyntaxError:
      return "Syntax_error";
    case kUnauthorizedError:
      return "Unauthorized";
    case kInvalid:
      return "Invalid";
    case kConfigError:
      return "Config_error";
    case kAlreadyExists:
      return "Already_exists";
    case kUnprepared:
      return "Unprepared";
  }
  return "Error_" + std::to_string(code);
}

}  // namespace automat::datastores::cassandra::cql
