#pragma once
// Decoding a RESULT body (CQL native protocol v4, section 4.2.5) into a
// ResultSet: Void, Rows, Set_keyspace and Schema_change results.
#include <cstdint>
#include <string>
#include <string_view>

#include "datastores/cassandra/common_cql_client.h"

namespace automat::datastores::cassandra::cql {

enum class ResultKind : int32_t {
  kVoid = 0x0001,
  kRows = 0x0002,
  kSetKeyspace = 0x0003,
  kPrepared = 0x0004,
  kSchemaChange = 0x0005,
};

struct Result {
  ResultKind kind = ResultKind::kVoid;
  ResultSet rows;               // kRows: columns and rows, values rendered as text
  std::string keyspace;         // kSetKeyspace: the keyspace now in use
  std::string schema_change;    // kSchemaChange: e.g. "CREATED TABLE ks.t"
  bool has_more_pages = false;  // kRows: the server holds more rows
};

// Decodes a RESULT body. Throws common::Error(kInternal) for a truncated or
// malformed body or a kind this client does not handle (Prepared).
Result decode_result(std::string_view message_body);

}  // namespace automat::datastores::cassandra::cql
