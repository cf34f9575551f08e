// RESULT bodies built by hand, decoded into text rows: every supported type,
// nulls, collections, and the non-row result kinds.
#include "datastores/cassandra/common_cql_result.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "datastores/cassandra/common_cql_value.h"
#include "tests/support/cql_bytes.h"

namespace automat::datastores::cassandra::cql {
namespace {

namespace b = testing::cql_bytes;

// [option] bytes of a simple type.
std::string opt(TypeId id) { return b::u16(static_cast<uint16_t>(id)); }

std::string rows_body(const std::string& metadata, int32_t row_count, const std::string& rows) {
  return b::i32(2) + metadata + b::i32(row_count) + rows;
}

// A text/int/bigint/boolean/uuid/inet/map<text,text>/set<text>/int table.
std::string all_types_metadata() {
  std::string m = b::i32(0x0001) + b::i32(9) + b::str("ks") + b::str("t");
  m += b::str("name") + opt(TypeId::kVarchar);
  m += b::str("n") + opt(TypeId::kInt);
  m += b::str("big") + opt(TypeId::kBigint);
  m += b::str("ok") + opt(TypeId::kBoolean);
  m += b::str("id") + opt(TypeId::kUuid);
  m += b::str("ip") + opt(TypeId::kInet);
  m += b::str("opts") + opt(TypeId::kMap) + opt(TypeId::kVarchar) + opt(TypeId::kVarchar);
  m += b::str("tags") + opt(TypeId::kSet) + opt(TypeId::kVarchar);
  m += b::str("missing") + opt(TypeId::kInt);
  return m;
}

TEST(CqlDecodeResult, RowsOfEverySupportedTypeRenderAsText) {
  const std::string uuid = b::raw({0x55, 0x0e, 0x84, 0x00, 0xe2, 0x9b, 0x41, 0xd4, 0xa7, 0x16, 0x44,
                                   0x66, 0x55, 0x44, 0x00, 0x00});
  std::string row1 =
      b::bytes("it's \"quoted\" \xc3\xa9") + b::bytes(b::i32(42)) +
      b::bytes(b::i64(9007199254740993LL)) + b::bytes(b::u8(1)) + b::bytes(uuid) +
      b::bytes(b::raw({127, 31, 0, 7})) +
      b::bytes(b::i32(2) + b::bytes("a") + b::bytes("1") + b::bytes("b\"") + b::bytes("x\ny")) +
      b::bytes(b::i32(2) + b::bytes("red") + b::bytes("blue")) + b::null_bytes();
  std::string row2 =
      b::bytes("") + b::bytes(b::i32(-7)) + b::bytes(b::i64(INT64_MIN)) + b::bytes(b::u8(0)) +
      b::null_bytes() +
      b::bytes(b::raw({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})) +
      b::bytes(b::i32(0)) + b::bytes(b::i32(0)) + b::bytes(b::i32(0));
  const Result r = decode_result(rows_body(all_types_metadata(), 2, row1 + row2));
  ASSERT_EQ(r.kind, ResultKind::kRows);
  const ResultSet& rs = r.rows;
  EXPECT_EQ(rs.columns, (std::vector<std::string>{"name", "n", "big", "ok", "id", "ip", "opts",
                                                  "tags", "missing"}));
  ASSERT_EQ(rs.rows.size(), 2u);
  using Row = std::vector<std::optional<std::string>>;
  EXPECT_EQ(rs.rows[0], (Row{"it's \"quoted\" \xc3\xa9", "42", "9007199254740993", "true",
                             "550e8400-e29b-41d4-a716-446655440000", "127.31.0.7",
                             R"({"a":"1","b\"":"x\ny"})", R"(["red","blue"])", std::nullopt}));
  EXPECT_EQ(rs.rows[1], (Row{"", "-7", "-9223372036854775808", "false", std::nullopt, "2001:db8::1",
                             "{}", "[]", "0"}));
  EXPECT_EQ(rs.column("ip"), 5u);
  EXPECT_THROW(rs.column("nope"), common::Error);
}

TEST(CqlDecodeResult, PerColumnTableSpecAndPagingState) {
  // No global table spec: each column names its keyspace and table.
  const std::string metadata = b::i32(0x0002) + b::i32(1) + b::bytes("page-state") + b::str("ks") +
                               b::str("t") + b::str("v") + opt(TypeId::kAscii);
  const Result r = decode_result(rows_body(metadata, 1, b::bytes("hello")));
  EXPECT_TRUE(r.has_more_pages);
  EXPECT_EQ(r.rows.columns, std::vector<std::string>{"v"});
  EXPECT_EQ(r.rows.rows[0][0], "hello");
}

TEST(CqlDecodeResult, VoidSetKeyspaceAndSchemaChange) {
  const Result v = decode_result(b::i32(1));
  EXPECT_EQ(v.kind, ResultKind::kVoid);
  EXPECT_TRUE(v.rows.columns.empty());
  const Result ks = decode_result(b::i32(3) + b::str("app"));
  EXPECT_EQ(ks.kind, ResultKind::kSetKeyspace);
  EXPECT_EQ(ks.keyspace, "app");
  const Result table =
      decode_result(b::i32(5) + b::str("CREATED") + b::str("TABLE") + b::str("app") + b::str("t"));
  EXPECT_EQ(table.kind, ResultKind::kSchemaChange);
  EXPECT_EQ(table.schema_change, "CREATED TABLE app.t");
  const Result keyspace =
      decode_result(b::i32(5) + b::str("DROPPED") + b::str("KEYSPACE") + b::str("app"));
  EXPECT_EQ(keyspace.schema_change, "DROPPED KEYSPACE app");
}

TEST(CqlDecodeResult, MalformedBodiesThrowInternal) {
  const std::string good = rows_body(all_types_metadata(), 0, "");
  for (size_t cut : {size_t{2}, size_t{9}, good.size() - 1}) {
    try {
      decode_result(good.substr(0, cut));
      ADD_FAILURE() << "decoded a body cut at " << cut;
    } catch (const common::Error& e) {
      EXPECT_EQ(e.code(), common::ErrorCode::kInternal);
    }
  }
  // A row promised but absent; a cell longer than the body.
  EXPECT_THROW(decode_result(rows_body(all_types_metadata(), 1, "")), common::Error);
  EXPECT_THROW(decode_result(b::i32(2) + b::i32(1) + b::i32(1) + b::str("k") + b::str("t") +
                             b::str("c") + opt(TypeId::kVarchar) + b::i32(1) + b::i32(99) + "x"),
               common::Error);
  EXPECT_THROW(decode_result(b::i32(4)), common::Error);  // Prepared: not handled
  EXPECT_THROW(decode_result(b::i32(2) + b::i32(1) + b::i32(1) + b::str("k") + b::str("t") +
                             b::str("c") + b::u16(0x0099) + b::i32(0)),
               common::Error);  // unknown type id, before reaching rows
}

std::string render(TypeId id, const std::string& value) {
  ColumnType t;
  t.id = id;
  return render_value(t, value);
}

TEST(CqlRenderValue, NumbersTimesAndBlobs) {
  EXPECT_EQ(render(TypeId::kTinyint, b::u8(0xFF)), "-1");
  EXPECT_EQ(render(TypeId::kSmallint, b::u16(0x8000)), "-32768");
  EXPECT_EQ(render(TypeId::kCounter, b::i64(12)), "12");
  EXPECT_EQ(render(TypeId::kVarint, b::raw({0x00, 0xFF})), "255");
  EXPECT_EQ(render(TypeId::kVarint, b::raw({0xFF, 0x01})), "-255");
  EXPECT_EQ(render(TypeId::kVarint, b::raw({0x01, 0, 0, 0, 0, 0, 0, 0, 0})),
            "18446744073709551616");
  EXPECT_EQ(render(TypeId::kDecimal, b::i32(2) + b::raw({0x30, 0x39})), "123.45");
  EXPECT_EQ(render(TypeId::kDecimal, b::i32(3) + b::raw({0xFF})), "-0.001");
  EXPECT_EQ(render(TypeId::kDecimal, b::i32(-2) + b::raw({0x07})), "700");
  EXPECT_EQ(render(TypeId::kDouble, b::i64(0x3FF8000000000000)), "1.5");
  EXPECT_EQ(render(TypeId::kDouble, b::i64(0x3FB999999999999A)), "0.1");
  EXPECT_EQ(render(TypeId::kFloat, b::i32(0x40490FDB)), "3.1415927");
  EXPECT_EQ(render(TypeId::kTimestamp, b::i64(1700000000123)), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(render(TypeId::kTimestamp, b::i64(-1)), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(render(TypeId::kDate, b::i32(static_cast<int32_t>(0x80000000u + 19000))), "2022-01-08");
  EXPECT_EQ(render(TypeId::kTime, b::i64(3723000000005)), "01:02:03.000000005");
  EXPECT_EQ(render(TypeId::kBlob, b::raw({0xCA, 0xFE, 0x01})), "0xcafe01");
  EXPECT_EQ(render(TypeId::kBlob, ""), "0x");
  EXPECT_EQ(render(TypeId::kTimeuuid, std::string(16, '\x11')),
            "11111111-1111-1111-1111-111111111111");
  EXPECT_EQ(render(TypeId::kInt, ""), "");  // an empty (not null) int
  EXPECT_THROW(render(TypeId::kInt, b::u16(1)), common::Error);
  EXPECT_THROW(render(TypeId::kUuid, std::string(15, 'x')), common::Error);
  EXPECT_THROW(render(TypeId::kInet, std::string(5, 'x')), common::Error);
}

TEST(CqlRenderValue, CompositesBecomeJson) {
  ColumnType list_int;
  list_int.id = TypeId::kList;
  list_int.params = {ColumnType{TypeId::kInt, {}, {}, {}}};
  EXPECT_EQ(render_value(list_int,
                         b::i32(3) + b::bytes(b::i32(1)) + b::null_bytes() + b::bytes(b::i32(-2))),
            "[1,null,-2]");
  ColumnType map_int_bool;
  map_int_bool.id = TypeId::kMap;
  map_int_bool.params = {ColumnType{TypeId::kInt, {}, {}, {}},
                         ColumnType{TypeId::kBoolean, {}, {}, {}}};
  EXPECT_EQ(render_value(map_int_bool, b::i32(1) + b::bytes(b::i32(5)) + b::bytes(b::u8(1))),
            R"({"5":true})");
  ColumnType udt;
  udt.id = TypeId::kUdt;
  udt.field_names = {"street", "zip"};
  udt.params = {ColumnType{TypeId::kVarchar, {}, {}, {}}, ColumnType{TypeId::kInt, {}, {}, {}}};
  EXPECT_EQ(render_value(udt, b::bytes("Main") + b::bytes(b::i32(12345))),
            R"({"street":"Main","zip":12345})");
  ColumnType tuple;
  tuple.id = TypeId::kTuple;
  tuple.params = {ColumnType{TypeId::kDouble, {}, {}, {}}, ColumnType{TypeId::kInet, {}, {}, {}}};
  EXPECT_EQ(
      render_value(tuple, b::bytes(b::i64(0x3FF8000000000000)) + b::bytes(b::raw({1, 2, 3, 4}))),
      R"([1.5,"1.2.3.4"])");
  EXPECT_THROW(render_value(list_int, b::i32(2) + b::bytes(b::i32(1))), common::Error);
}

TEST(CqlReadColumnType, NestedCollectionsAndUdts) {
  const std::string option = opt(TypeId::kMap) + opt(TypeId::kVarchar) + opt(TypeId::kList) +
                             opt(TypeId::kUdt) + b::str("ks") + b::str("addr") + b::u16(1) +
                             b::str("city") + opt(TypeId::kVarchar);
  ByteReader r(option);
  const ColumnType t = read_column_type(r);
  EXPECT_EQ(r.remaining(), 0u);
  ASSERT_EQ(t.params.size(), 2u);
  ASSERT_EQ(t.params[1].id, TypeId::kList);
  ASSERT_EQ(t.params[1].params[0].id, TypeId::kUdt);
  EXPECT_EQ(t.params[1].params[0].field_names, std::vector<std::string>{"city"});
  const std::string custom_option = opt(TypeId::kCustom) + b::str("org.example.Type");
  ByteReader custom(custom_option);
  EXPECT_EQ(read_column_type(custom).custom_class, "org.example.Type");
}

}  // namespace
}  // namespace automat::datastores::cassandra::cql
