// common/proto_json.h: the codec of the typed records kept in jsonb.
#include <gtest/gtest.h>

#include "automat/operations.pb.h"
#include "common/error.h"
#include "common/proto_json.h"

namespace automat::testing {
namespace {

using nlohmann::json;
namespace pj = common::proto_json;

std::string decode_error(const json& doc) {
  try {
    pj::decode<proto::InstanceCreateInput>(doc, "the input of operation op-1");
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kInternal);
    return e.what();
  }
  return "";
}

TEST(ProtoJson, RoundTripsWithSnakeCaseNamesAndLeavesDefaultsOut) {
  proto::InstanceCreateInput in;
  in.set_replica_of("m-1");
  auto* user = in.add_users();
  user->set_name("app");
  user->add_databases("shop");
  const json doc = pj::encode(in);
  EXPECT_EQ(doc, json::parse(R"({"replica_of": "m-1",
                                 "users": [{"name": "app", "databases": ["shop"]}]})"));
  const auto back = pj::decode<proto::InstanceCreateInput>(doc, "input");
  EXPECT_EQ(back.SerializeAsString(), in.SerializeAsString());
  EXPECT_EQ(pj::encode(proto::InstanceCreateCheckpoint()), json::object());
}

TEST(ProtoJson, NullAndEmptyReadAsTheEmptyMessage) {
  EXPECT_EQ(pj::decode<proto::ClusterNodesInput>(json(), "x").instance_ids_size(), 0);
  EXPECT_EQ(pj::decode<proto::ClusterNodesInput>(json::object(), "x").instance_ids_size(), 0);
}

TEST(ProtoJson, ADocumentThatDoesNotFitIsAClearErrorNamingTheMessage) {
  const std::string unknown = decode_error({{"params", 1}});
  EXPECT_NE(unknown.find("the input of operation op-1 does not parse as "
                         "automat.proto.InstanceCreateInput"),
            std::string::npos)
      << unknown;
  EXPECT_NE(unknown.find("params"), std::string::npos) << "names the field: " << unknown;
  const std::string wrong_type = decode_error({{"users", {{{"name", 7}}}}});
  EXPECT_NE(wrong_type.find("does not parse as automat.proto.InstanceCreateInput"),
            std::string::npos)
      << wrong_type;
  EXPECT_NE(decode_error(json::array()).find("not a JSON object"), std::string::npos);
  EXPECT_NE(decode_error("text").find("not a JSON object"), std::string::npos);
}

}  // namespace
}  // namespace automat::testing
