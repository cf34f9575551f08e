#pragma once
// The primitive notations of the CQL native protocol (big-endian [byte],
// [short], [int], [long], [string], [long string], [bytes], [string list],
// [string map]) as a reader over a received body and a writer into a request
// body. Shared by the frame and result codecs; not part of the client's API.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace automat::datastores::cassandra::cql {

// Reads notations from a body in order. Every read past the end throws
// common::Error(kInternal) naming what was being read, so a truncated or
// malformed frame never reads out of bounds.
class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}

  uint8_t byte(const char* what) { return static_cast<uint8_t>(take(1, what)[0]); }
  uint16_t u16(const char* what) { return static_cast<uint16_t>(unsigned_be(take(2, what))); }
  int16_t i16(const char* what) { return static_cast<int16_t>(u16(what)); }
  int32_t i32(const char* what) { return static_cast<int32_t>(unsigned_be(take(4, what))); }
  int64_t i64(const char* what) { return static_cast<int64_t>(unsigned_be(take(8, what))); }

  // [string]: a [short] n, then n bytes of UTF-8.
  std::string string(const char* what) {
    const uint16_t n = u16(what);
    return std::string(take(n, what));
  }
  // [long string]: an [int] n, then n bytes.
  std::string long_string(const char* what) {
    const int32_t n = i32(what);
    if (n < 0) fail(what);
    return std::string(take(static_cast<size_t>(n), what));
  }
  // [bytes]: an [int] n, then n bytes; n < 0 is null.
  std::optional<std::string_view> bytes(const char* what) {
    const int32_t n = i32(what);
    if (n < 0) return std::nullopt;
    return take(static_cast<size_t>(n), what);
  }
  // [short bytes]: a [short] n, then n bytes.
  std::string_view short_bytes(const char* what) { return take(u16(what), what); }
  std::vector<std::string> string_list(const char* what) {
    std::vector<std::string> out(u16(what));
    for (auto& s : out) s = string(what);
    return out;
  }
  // The next n raw bytes.
  std::string_view raw(size_t n, const char* what) { return take(n, what); }

  size_t remaining() const { return data_.size() - pos_; }
  std::string_view rest() const { return data_.substr(pos_); }

 private:
  static uint64_t unsigned_be(std::string_view b) {
    uint64_t v = 0;
    for (char c : b) v = (v << 8) | static_cast<uint8_t>(c);
    return v;
  }
  [[noreturn]] static void fail(const char* what) {
    throw common::Error(common::ErrorCode::kInternal,
                        std::string("malformed CQL frame: truncated or invalid ") + what);
  }
  std::string_view take(size_t n, const char* what) {
    if (n > remaining()) fail(what);
    std::string_view out = data_.substr(pos_, n);
    pos_ += n;
    return out;
  }

  std::string_view data_;
  size_t pos_ = 0;
};

// Appends notations to a request body.
class ByteWriter {
 public:
  void byte(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16(uint16_t v) { be(v, 2); }
  void i32(int32_t v) { be(static_cast<uint32_t>(v), 4); }
  void string(std::string_view s) {
    check_size(s.size(), 0xFFFF, "string");
    u16(static_cast<uint16_t>(s.size()));
    out_.append(s);
  }
  void long_string(std::string_view s) {
    check_size(s.size(), 0x7FFFFFFF, "long string");
    i32(static_cast<int32_t>(s.size()));
    out_.append(s);
  }
  void bytes(std::string_view s) { long_string(s); }
  void string_map(const std::map<std::string, std::string>& m) {
    u16(static_cast<uint16_t>(m.size()));
    for (const auto& [k, v] : m) {
      string(k);
      string(v);
    }
  }

  const std::string& data() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void be(uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  }
  static void check_size(size_t n, size_t max, const char* what) {
    if (n > max) {
      throw common::Error(
          common::ErrorCode::kBadRequest,
          std::string("CQL ") + what + " of " + std::to_string(n) + " bytes is too long");
    }
  }

  std::string out_;
};

}  // namespace automat::datastores::cassandra::cql
