#pragma once
// CQL column types as RESULT metadata describes them ([option] in the v4
// specification) and the text rendering of a value of each, as documented on
// cql::ResultSet.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "datastores/cassandra/common_cql_wire.h"

namespace automat::datastores::cassandra::cql {

enum class TypeId : uint16_t {
  kCustom = 0x0000,
  kAscii = 0x0001,
  kBigint = 0x0002,
  kBlob = 0x0003,
  kBoolean = 0x0004,
  kCounter = 0x0005,
  kDecimal = 0x0006,
  kDouble = 0x0007,
  kFloat = 0x0008,
  kInt = 0x0009,
  kTimestamp = 0x000B,
  kUuid = 0x000C,
  kVarchar = 0x000D,
  kVarint = 0x000E,
  kTimeuuid = 0x000F,
  kInet = 0x0010,
  kDate = 0x0011,
  kTime = 0x0012,
  kSmallint = 0x0013,
  kTinyint = 0x0014,
  kDuration = 0x0015,
  kList = 0x0020,
  kMap = 0x0021,
  kSet = 0x0022,
  kUdt = 0x0030,
  kTuple = 0x0031,
};

// One column type. Collections, tuples and UDTs hold their element types in
// `params` (map: key then value); a UDT also names its fields.
struct ColumnType {
  TypeId id = TypeId::kBlob;
  std::string custom_class;              // kCustom only
  std::vector<ColumnType> params;        // list/set: 1, map: 2, tuple/UDT: n
  std::vector<std::string> field_names;  // kUdt only, one per param
};

// Reads one [option] (recursively for collections, tuples and UDTs).
// Throws common::Error(kInternal) on an unknown type id or a truncated body.
ColumnType read_column_type(ByteReader& reader);

// `value` (a non-null [bytes] cell) rendered as text:
//   ascii/text as is; tinyint..bigint, counter, varint in decimal; decimal
//   as a plain decimal number; boolean "true"/"false"; float/double via
//   std::to_chars (shortest round-trip form); uuid/timeuuid 8-4-4-4-12
//   lowercase; inet dotted quad (IPv6 in RFC 5952 form); timestamp
//   "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC); date "YYYY-MM-DD"; time
//   "HH:MM:SS.nnnnnnnnn"; blob, custom and duration "0x<hex>";
//   list/set as a JSON array, map and UDT as a JSON object, tuple as a JSON
//   array (numbers and booleans as JSON numbers and booleans, other values as
//   JSON strings, null elements as null).
// An empty value of a fixed-size type renders as "". Throws
// common::Error(kInternal) when a value does not fit its type.
std::string render_value(const ColumnType& type, std::string_view value);

}  // namespace automat::datastores::cassandra::cql
