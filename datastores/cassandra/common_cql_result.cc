#include "datastores/cassandra/common_cql_result.h"

#include "common/error.h"
#include "datastores/cassandra/common_cql_value.h"
#include "datastores/cassandra/common_cql_wire.h"

namespace automat::datastores::cassandra::cql {
namespace {

// Rows metadata flags.
constexpr int32_t kGlobalTablesSpec = 0x0001;
constexpr int32_t kHasMorePages = 0x0002;
constexpr int32_t kNoMetadata = 0x0004;

struct Column {
  std::string name;
  ColumnType type;
};

std::vector<Column> read_metadata(ByteReader& r, bool& has_more_pages) {
  const int32_t flags = r.i32("rows metadata flags");
  const int32_t count = r.i32("column count");
  if (count < 0)
    throw common::Error(common::ErrorCode::kInternal, "malformed CQL rows: negative column count");
  has_more_pages = flags & kHasMorePages;
  if (has_more_pages) r.bytes("paging state");
  if (flags & kNoMetadata) {
    throw common::Error(common::ErrorCode::kInternal,
                        "CQL rows came without metadata, which was not asked for");
  }
  if (flags & kGlobalTablesSpec) {
    r.string("keyspace");
    r.string("table");
  }
  std::vector<Column> columns(static_cast<size_t>(count));
  for (auto& c : columns) {
    if (!(flags & kGlobalTablesSpec)) {
      r.string("keyspace");
      r.string("table");
    }
    c.name = r.string("column name");
    c.type = read_column_type(r);
  }
  return columns;
}

void read_rows(ByteReader& r, Result& out) {
  const std::vector<Column> columns = read_metadata(r, out.has_more_pages);
  for (const auto& c : columns) out.rows.columns.push_back(c.name);
  const int32_t count = r.i32("row count");
  if (count < 0)
    throw common::Error(common::ErrorCode::kInternal, "malformed CQL rows: negative row count");
  for (int32_t i = 0; i < count; ++i) {
    std::vector<std::optional<std::string>> row;
    row.reserve(columns.size());
    for (const auto& c : columns) {
      const auto cell = r.bytes("cell");
      row.push_back(cell ? std::optional<std::string>(render_value(c.type, *cell)) : std::nullopt);
    }
    out.rows.rows.push_back(std::move(row));
  }
}

// "<change> <target> <keyspace>[.<name>]", e.g. "CREATED TABLE ks.t".
std::string read_schema_change(ByteReader& r) {
  const std::string change = r.string("schema change type");
  const std::string target = r.string("schema change target");
  std::string what = r.string("schema change keyspace");
  if (target != "KEYSPACE") what += "." + r.string("schema change name");
  return change + " " + target + " " + what;
}

}  // namespace

Result decode_result(std::string_view message_body) {
  ByteReader r(message_body);
  Result out;
  const int32_t kind = r.i32("result kind");
  out.kind = static_cast<ResultKind>(kind);
  switch (out.kind) {
    case ResultKind::kVoid:
      break;
    case ResultKind::kRows:
      read_rows(r, out);
      break;
    case ResultKind::kSetKeyspace:
      out.keyspace = r.string("keyspace");
      break;
    case ResultKind::kSchemaChange:
      out.schema_change = read_schema_change(r);
      break;
    default:
      throw common::Error(common::ErrorCode::kInternal,
                          "unsupported CQL result kind " + std::to_string(kind));
  }
  return out;
}

}  // namespace automat::datastores::cassandra::cql
