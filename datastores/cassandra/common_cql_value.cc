#include "datastores/cassandra/common_cql_value.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>

#include "common/error.h"

namespace automat::datastores::cassandra::cql {
namespace {

using Json = nlohmann::ordered_json;

[[noreturn]] void bad_value(const char* type, size_t size) {
  throw common::Error(
      common::ErrorCode::kInternal,
      std::string("malformed CQL ") + type + " value of " + std::to_string(size) + " bytes");
}

// Two's complement big-endian integer of at most 8 bytes.
int64_t signed_be(std::string_view b) {
  uint64_t v = (!b.empty() && (static_cast<uint8_t>(b[0]) & 0x80)) ? ~uint64_t{0} : 0;
  for (char c : b) v = (v << 8) | static_cast<uint8_t>(c);
  return static_cast<int64_t>(v);
}

int64_t fixed_int(std::string_view b, size_t size, const char* type) {
  if (b.size() != size) bad_value(type, b.size());
  return signed_be(b);
}

// Arbitrary-length two's complement big-endian integer in decimal.
std::string varint_decimal(std::string_view b) {
  const bool negative = !b.empty() && (static_cast<uint8_t>(b[0]) & 0x80);
  std::vector<uint8_t> mag(b.begin(), b.end());
  if (negative) {  // magnitude = ~b + 1
    for (auto& x : mag) x = static_cast<uint8_t>(~x);
    for (size_t i = mag.size(); i-- > 0;) {
      if (++mag[i] != 0) break;
    }
  }
  std::string digits;
  while (std::any_of(mag.begin(), mag.end(), [](uint8_t x) { return x != 0; })) {
    unsigned rem = 0;
    for (auto& x : mag) {
      const unsigned cur = rem * 256 + x;
      x = static_cast<uint8_t>(cur / 10);
      rem = cur % 10;
    }
    digits.push_back(static_cast<char>('0' + rem));
  }
  if (digits.empty()) digits = "0";
  if (negative) digits.push_back('-');
  std::reverse(digits.begin(), digits.end());
  return digits;
}

std::string decimal_text(std::string_view b) {
  if (b.size() < 4) bad_value("decimal", b.size());
  const auto scale = static_cast<int32_t>(signed_be(b.substr(0, 4)));
  std::string digits = varint_decimal(b.substr(4));
  const bool negative = digits[0] == '-';
  if (negative) digits.erase(0, 1);
  if (scale <= 0) {
    if (digits != "0") digits.append(static_cast<size_t>(-static_cast<int64_t>(scale)), '0');
  } else {
    const auto s = static_cast<size_t>(scale);
    if (digits.size() <= s) digits.insert(0, s - digits.size() + 1, '0');
    digits.insert(digits.size() - s, 1, '.');
  }
  return negative ? "-" + digits : digits;
}

template <typename Float, typename Bits>
Float float_value(std::string_view b, const char* type) {
  if (b.size() != sizeof(Bits)) bad_value(type, b.size());
  const auto bits = static_cast<Bits>(signed_be(b));
  Float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

template <typename Float, typename Bits>
std::string float_text(std::string_view b, const char* type) {
  const Float f = float_value<Float, Bits>(b, type);
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, f);
  return std::string(buf, r.ptr);
}

std::string hex(std::string_view b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(b.size() * 2);
  for (char c : b) {
    out.push_back(kDigits[static_cast<uint8_t>(c) >> 4]);
    out.push_back(kDigits[static_cast<uint8_t>(c) & 0xF]);
  }
  return out;
}

std::string uuid_text(std::string_view b) {
  if (b.size() != 16) bad_value("uuid", b.size());
  const std::string h = hex(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

std::string inet_text(std::string_view b) {
  char buf[INET6_ADDRSTRLEN];
  const int family = b.size() == 4 ? AF_INET : b.size() == 16 ? AF_INET6 : -1;
  if (family < 0 || !inet_ntop(family, b.data(), buf, sizeof buf)) bad_value("inet", b.size());
  return buf;
}

std::string date_of(std::chrono::sys_days day) {
  const std::chrono::year_month_day ymd(day);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string timestamp_text(std::string_view b) {
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds(fixed_int(b, 8, "timestamp"))};
  const sys_days day = floor<days>(t);
  const hh_mm_ss<milliseconds> tod(t - day);
  char buf[32];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d.%03dZ", static_cast<int>(tod.hours().count()),
                static_cast<int>(tod.minutes().count()), static_cast<int>(tod.seconds().count()),
                static_cast<int>(tod.subseconds().count()));
  return date_of(day) + buf;
}

std::string cql_date_text(std::string_view b) {
  // Days since the epoch, centred on 2^31.
  const int64_t days = fixed_int(b, 4, "date") & 0xFFFFFFFF;
  return date_of(std::chrono::sys_days(std::chrono::days(days - (int64_t{1} << 31))));
}

std::string time_text(std::string_view b) {
  const int64_t ns = fixed_int(b, 8, "time");
  if (ns < 0) bad_value("time", b.size());
  const int64_t s = ns / 1000000000;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%09lld", static_cast<long long>(s / 3600),
                static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60),
                static_cast<long long>(ns % 1000000000));
  return buf;
}

std::string scalar_text(const ColumnType& type, std::string_view b) {
  switch (type.id) {
    case TypeId::kAscii:
    case TypeId::kVarchar:
      return std::string(b);
    case TypeId::kBigint:
    case TypeId::kCounter:
      return std::to_string(fixed_int(b, 8, "bigint"));
    case TypeId::kInt:
      return std::to_string(fixed_int(b, 4, "int"));
    case TypeId::kSmallint:
      return std::to_string(fixed_int(b, 2, "smallint"));
    case TypeId::kTinyint:
      return std::to_string(fixed_int(b, 1, "tinyint"));
    case TypeId::kVarint:
      return varint_decimal(b);
    case TypeId::kDecimal:
      return decimal_text(b);
    case TypeId::kBoolean:
      return fixed_int(b, 1, "boolean") != 0 ? "true" : "false";
    case TypeId::kFloat:
      return float_text<float, uint32_t>(b, "float");
    case TypeId::kDouble:
      return float_text<double, uint64_t>(b, "double");
    case TypeId::kUuid:
    case TypeId::kTimeuuid:
      return uuid_text(b);
    case TypeId::kInet:
      return inet_text(b);
    case TypeId::kTimestamp:
      return timestamp_text(b);
    case TypeId::kDate:
      return cql_date_text(b);
    case TypeId::kTime:
      return time_text(b);
    default:
      return "0x" + hex(b);  // blob, custom, duration
  }
}

bool is_composite(TypeId id) {
  return id == TypeId::kList || id == TypeId::kSet || id == TypeId::kMap || id == TypeId::kUdt ||
         id == TypeId::kTuple;
}

Json to_json(const ColumnType& type, std::optional<std::string_view> value);

// list/set: [int] n, then n [bytes]; map: [int] n, then n key/value pairs;
// tuple/UDT: one [bytes] per component (a UDT may omit trailing fields).
Json composite_json(const ColumnType& type, std::string_view b) {
  ByteReader r(b);
  Json out = type.id == TypeId::kMap || type.id == TypeId::kUdt ? Json::object() : Json::array();
  if (type.id == TypeId::kList || type.id == TypeId::kSet || type.id == TypeId::kMap) {
    const int32_t n = r.i32("collection size");
    if (n < 0) bad_value("collection", b.size());
    for (int32_t i = 0; i < n; ++i) {
      if (type.id == TypeId::kMap) {
        const auto key = r.bytes("map key");
        const std::string k = key ? render_value(type.params[0], *key) : "null";
        out[k] = to_json(type.params[1], r.bytes("map value"));
      } else {
        out.push_back(to_json(type.params[0], r.bytes("collection element")));
      }
    }
    return out;
  }
  for (size_t i = 0; i < type.params.size() && r.remaining() > 0; ++i) {
    Json field = to_json(type.params[i], r.bytes("tuple or UDT field"));
    if (type.id == TypeId::kUdt) {
      out[type.field_names[i]] = std::move(field);
    } else {
      out.push_back(std::move(field));
    }
  }
  return out;
}

Json to_json(const ColumnType& type, std::optional<std::string_view> value) {
  if (!value) return nullptr;
  const std::string_view b = *value;
  if (is_composite(type.id)) return composite_json(type, b);
  if (b.empty()) return render_value(type, b);
  switch (type.id) {
    case TypeId::kBigint:
    case TypeId::kCounter:
      return fixed_int(b, 8, "bigint");
    case TypeId::kInt:
      return fixed_int(b, 4, "int");
    case TypeId::kSmallint:
      return fixed_int(b, 2, "smallint");
    case TypeId::kTinyint:
      return fixed_int(b, 1, "tinyint");
    case TypeId::kBoolean:
      return fixed_int(b, 1, "boolean") != 0;
    case TypeId::kFloat:
      return float_value<float, uint32_t>(b, "float");
    case TypeId::kDouble:
      return float_value<double, uint64_t>(b, "double");
    default:
      return scalar_text(type, b);
  }
}

}  // namespace

ColumnType read_column_type(ByteReader& reader) {
  ColumnType t;
  const uint16_t id = reader.u16("column type");
  t.id = static_cast<TypeId>(id);
  switch (t.id) {
    case TypeId::kCustom:
      t.custom_class = reader.string("custom type");
      break;
    case TypeId::kList:
    case TypeId::kSet:
      t.params.push_back(read_column_type(reader));
      break;
    case TypeId::kMap:
      t.params.push_back(read_column_type(reader));
      t.params.push_back(read_column_type(reader));
      break;
    case TypeId::kUdt: {
      reader.string("UDT keyspace");
      reader.string("UDT name");
      const uint16_t n = reader.u16("UDT field count");
      for (uint16_t i = 0; i < n; ++i) {
        t.field_names.push_back(reader.string("UDT field name"));
        t.params.push_back(read_column_type(reader));
      }
      break;
    }
    case TypeId::kTuple: {
      const uint16_t n = reader.u16("tuple size");
      for (uint16_t i = 0; i < n; ++i) t.params.push_back(read_column_type(reader));
      break;
    }
    default:
      if (id > static_cast<uint16_t>(TypeId::kDuration) || id == 0x000A) {
        throw common::Error(common::ErrorCode::kInternal,
                            "unknown CQL column type id " + std::to_string(id));
      }
  }
  return t;
}

std::string render_value(const ColumnType& type, std::string_view value) {
  if (is_composite(type.id)) {
    return composite_json(type, value).dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  const bool fixed_size = type.id != TypeId::kAscii && type.id != TypeId::kVarchar &&
                          type.id != TypeId::kBlob && type.id != TypeId::kCustom &&
                          type.id != TypeId::kDuration;
  if (value.empty() && fixed_size) return "";
  return scalar_text(type, value);
}

}  // namespace automat::datastores::cassandra::cql
