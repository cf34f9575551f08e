#pragma once
// Hand-built CQL protocol bytes for codec tests, written independently of
// datastores/cassandra/common_cql_wire.h so a bug there cannot hide in both sides of a test.
#include <cstdint>
#include <initializer_list>
#include <string>

namespace automat::testing::cql_bytes {

inline std::string be(uint64_t v, int n) {
  std::string out;
  for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  return out;
}
inline std::string u8(uint8_t v) { return be(v, 1); }
inline std::string u16(uint16_t v) { return be(v, 2); }
inline std::string i32(int32_t v) { return be(static_cast<uint32_t>(v), 4); }
inline std::string i64(int64_t v) { return be(static_cast<uint64_t>(v), 8); }
// [string]
inline std::string str(const std::string& s) { return u16(static_cast<uint16_t>(s.size())) + s; }
// [bytes]
inline std::string bytes(const std::string& s) { return i32(static_cast<int32_t>(s.size())) + s; }
inline std::string null_bytes() { return i32(-1); }
// Raw bytes from a list of octets.
inline std::string raw(std::initializer_list<int> octets) {
  std::string out;
  for (int o : octets) out.push_back(static_cast<char>(o));
  return out;
}
// A v4 response frame: header (version 0x84) then body.
inline std::string response(uint8_t opcode, const std::string& body, int16_t stream = 0,
                            uint8_t flags = 0) {
  return u8(0x84) + u8(flags) + u16(static_cast<uint16_t>(stream)) + u8(opcode) +
         i32(static_cast<int32_t>(body.size())) + body;
}
// An ERROR body.
inline std::string error_body(int32_t code, const std::string& message) {
  return i32(code) + str(message);
}

}  // namespace automat::testing::cql_bytes
