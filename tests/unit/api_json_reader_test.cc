// The reader of JSON request bodies (api/json_reader.h).
#include <gtest/gtest.h>

#include "api/json_reader.h"
#include "common/error.h"

namespace automat::api {
namespace {

using nlohmann::json;

// The 400 message for `text`, or "" when it was read.
std::string refusal(const std::string& text) {
  try {
    read_json(text);
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
    return e.what();
  }
  return "";
}

std::string nested(size_t depth, const std::string& leaf = "1") {
  return std::string(depth, '[') + leaf + std::string(depth, ']');
}

TEST(JsonReader, ReadsOrdinaryDocuments) {
  const json doc = read_json(
      R"({"instance": {"name": "x", "volume": {"size": 2}, "users": [{"name": "a"}],
          "f": 1.5, "u": 18446744073709551615, "n": -3, "t": true, "z": null}})");
  EXPECT_EQ(doc["instance"]["volume"]["size"], 2);
  EXPECT_EQ(doc["instance"]["users"][0]["name"], "a");
  EXPECT_EQ(doc["instance"]["u"].get<uint64_t>(), 18446744073709551615ULL);
  EXPECT_EQ(doc["instance"]["n"], -3);
  EXPECT_TRUE(doc["instance"]["z"].is_null());
  EXPECT_EQ(read_json("[]"), json::array());
  EXPECT_EQ(read_json("\"text\""), "text");
}

TEST(JsonReader, NestingIsBoundedWithoutBuildingTheDeepValue) {
  EXPECT_EQ(refusal(nested(kMaxJsonDepth)), "");
  EXPECT_NE(refusal(nested(kMaxJsonDepth + 1)).find("deeper than 32 levels"), std::string::npos);
  // The body that crashed automat-api: 85,000 levels under replica_count.
  const std::string deep =
      R"({"instance": {"name": "r", "replica_of": "x", "replica_count": )" + nested(85000) + "}}";
  const std::string message = refusal(deep);
  EXPECT_NE(message.find("deeper than 32 levels"), std::string::npos);
  EXPECT_NE(message.find("instance.replica_count[0]"), std::string::npos) << message;
  EXPECT_LT(message.size(), 300u);
  // Objects count as levels too.
  std::string objects;
  for (int i = 0; i < 40; ++i) objects += "{\"a\":";
  objects += "1" + std::string(40, '}');
  EXPECT_NE(refusal(objects).find("at a.a.a."), std::string::npos);
}

TEST(JsonReader, NumbersOutOfRangeNameTheField) {
  for (const std::string& number : {std::string("1e400"), std::string("-1e400"),
                                    std::string(400, '9'), "-" + std::string(400, '9')}) {
    SCOPED_TRACE(number.substr(0, 8));
    const std::string message = refusal(R"({"instance": {"volume": {"size": )" + number + "}}}");
    EXPECT_NE(message.find("instance.volume.size is a number out of range"), std::string::npos)
        << message;
    EXPECT_EQ(message.find("999"), std::string::npos) << "never repeats the value";
  }
  EXPECT_NE(refusal(R"({"list": [1, 2, 1e999]})").find("list[2] is a number"), std::string::npos);
  EXPECT_NE(refusal("1e400").find("the request body is a number out of range"), std::string::npos);
  // Large but representable numbers are numbers (the schema says what fits).
  EXPECT_EQ(refusal("1e308"), "");
  EXPECT_EQ(refusal(std::string(300, '9')), "");
}

TEST(JsonReader, ADuplicateKeyIsRefusedWherever) {
  EXPECT_NE(refusal(R"({"a": 1, "a": 2})").find("a is given twice"), std::string::npos);
  const std::string message =
      refusal(R"({"instance": {"users": [{"name": "x"}, {"name": "y", "name": "z"}]}})");
  EXPECT_NE(message.find("instance.users[1].name is given twice"), std::string::npos) << message;
  // The same key in different objects is fine.
  EXPECT_EQ(refusal(R"({"a": {"n": 1}, "b": {"n": 1}, "c": [{"n": 1}, {"n": 2}]})"), "");
}

TEST(JsonReader, NulIsRefusedInStringsAndKeys) {
  const std::string message = refusal(R"({"instance": {"flavorRef": "2\u0000x"}})");
  EXPECT_NE(message.find("instance.flavorRef must not contain U+0000"), std::string::npos)
      << message;
  EXPECT_NE(refusal(R"({"instance": {"a\u0000b": 1}})").find("a key of instance contains U+0000"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"x\u0000": 1})").find("a key of the request body"), std::string::npos);
  EXPECT_NE(refusal(R"(["ok", "n\u0000"])").find("[1] must not contain"), std::string::npos);
}

TEST(JsonReader, InvalidJsonGivesTheOffsetOnly) {
  const std::string message = refusal(R"({"password": "hunter22)");
  EXPECT_NE(message.find("not valid JSON (error at byte"), std::string::npos);
  EXPECT_EQ(message.find("hunter22"), std::string::npos);
  EXPECT_NE(refusal("{\"a\": \"\xFF\"}").find("not valid JSON"), std::string::npos);
  EXPECT_NE(refusal(R"("\ud800")").find("not valid JSON"), std::string::npos);
  EXPECT_NE(refusal("{} {}").find("not valid JSON"), std::string::npos);
}

TEST(JsonReader, LongKeysAreQuotedShort) {
  const std::string key(100000, 'k');
  const std::string message = refusal("{\"" + key + "\": 1, \"" + key + "\": 2}");
  EXPECT_NE(message.find("is given twice"), std::string::npos);
  EXPECT_LT(message.size(), 300u);
}

}  // namespace
}  // namespace automat::api
