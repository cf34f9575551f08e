#include <gtest/gtest.h>

#include "cli/errors.h"
#include "cli/instance_request.h"
#include "cli/user_spec.h"

namespace automat::cli {
namespace {

TEST(CliUserSpec, NameAndPassword) {
  UserSpec user = parse_user_spec("app:s3cretpass");
  EXPECT_EQ(user.name, "app");
  EXPECT_EQ(user.password, "s3cretpass");
  EXPECT_TRUE(user.databases.empty());
}

TEST(CliUserSpec, DatabaseListAfterTheLastColon) {
  UserSpec user = parse_user_spec("app:s3cretpass:shop,stock");
  EXPECT_EQ(user.password, "s3cretpass");
  EXPECT_EQ(user.databases, (std::vector<std::string>{"shop", "stock"}));
}

TEST(CliUserSpec, PasswordMayHoldColonsWhenADatabaseListFollows) {
  UserSpec user = parse_user_spec("app:pa:ss:shop");
  EXPECT_EQ(user.password, "pa:ss");
  EXPECT_EQ(user.databases, std::vector<std::string>{"shop"});
  UserSpec no_dbs = parse_user_spec("app:pa:ss:");
  EXPECT_EQ(no_dbs.password, "pa:ss");
  EXPECT_TRUE(no_dbs.databases.empty());
}

TEST(CliUserSpec, RejectsMalformedSpecsWithoutEchoingThePassword) {
  for (const char* bad : {"app", ":pw", "app:", "app::shop", "app:hunter2:shop,,x"}) {
    try {
      parse_user_spec(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const UsageError& error) {
      EXPECT_EQ(std::string(error.what()).find("hunter2"), std::string::npos) << error.what();
    }
  }
}

TEST(CliUserSpec, TroveUserObject) {
  nlohmann::json json = to_json(parse_user_spec("app:pw:shop"));
  EXPECT_EQ(json, nlohmann::json::parse(
                      R"({"name": "app", "password": "pw", "databases": [{"name": "shop"}]})"));
}

TEST(CliInstanceRequest, BuildsTroveCreateBody) {
  CreateInstanceArgs args;
  args.name = "db1";
  args.size_gb = 1;
  args.databases = {"shop"};
  args.users = {"app:s3cretpass:shop"};
  nlohmann::json body = create_instance_request(args, "2");
  EXPECT_EQ(body, nlohmann::json::parse(R"({"instance": {
      "name": "db1", "flavorRef": "2", "volume": {"size": 1},
      "datastore": {"type": "mysql"}, "databases": [{"name": "shop"}],
      "users": [{"name": "app", "password": "s3cretpass", "databases": [{"name": "shop"}]}]}})"));
}

TEST(CliInstanceRequest, OptionalVersionAndZone) {
  CreateInstanceArgs args;
  args.name = "db1";
  args.size_gb = 5;
  args.datastore_version = "10.11";
  args.availability_zone = "rack2";
  nlohmann::json instance = create_instance_request(args, "1")["instance"];
  EXPECT_EQ(instance["datastore"]["version"], "10.11");
  EXPECT_EQ(instance["availability_zone"], "rack2");
  EXPECT_EQ(instance["volume"]["size"], 5);
}

TEST(CliInstanceRequest, RecognisesUuids) {
  EXPECT_TRUE(looks_like_uuid("0b5c1d1e-7a0f-4c58-9d7e-1f2a3b4c5d6e"));
  EXPECT_FALSE(looks_like_uuid("db1"));
  EXPECT_FALSE(looks_like_uuid("0b5c1d1e-7a0f-4c58-9d7e-1f2a3b4c5d6g"));
  EXPECT_FALSE(looks_like_uuid("0b5c1d1e07a0f-4c58-9d7e-1f2a3b4c5d6e"));
}

}  // namespace
}  // namespace automat::cli
