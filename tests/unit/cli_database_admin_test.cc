// automat database | user | root (and cluster root-show) as whole command
// lines against a scripted HttpClient: what is sent, what is printed.
#include <gtest/gtest.h>

#include "tests/unit/cli_session_fixture.h"

namespace automat::cli {
namespace {

using nlohmann::json;
using testing::json_response;

constexpr const char* kId = "a1b2c3d4-1111-4222-8333-444455556666";

class CliDatabaseAdminTest : public testing::CliSessionTest {
 protected:
  std::string base() const { return std::string("/instances/") + kId; }
  json sent(const std::string& method, const std::string& path) {
    return json::parse(http_.last(method, path).body);
  }
  bool out_has(const std::string& text) const { return out_.str().find(text) != std::string::npos; }
};

TEST_F(CliDatabaseAdminTest, DatabaseCreateSendsTroveBody) {
  http_.on("POST", base() + "/databases", json_response(202, nullptr));
  EXPECT_EQ(run_cli({"database", "create", kId, "shop", "--character-set", "utf8mb4"}), 0)
      << err_.str();
  EXPECT_EQ(sent("POST", base() + "/databases"),
            json({{"databases", {{{"name", "shop"}, {"character_set", "utf8mb4"}}}}}));
  EXPECT_TRUE(out_has("Created database shop")) << out_.str();
}

TEST_F(CliDatabaseAdminTest, DatabaseListFollowsEveryPage) {
  http_.on("GET", base() + "/databases",
           json_response(200, {{"databases", {{{"name", "a"}}, {{"name", "b"}}}},
                               {"links",
                                {{{"rel", "next"},
                                  {"href", "http://api:8779/v1.0/t1" + base() +
                                               "/databases?limit=2&marker=b"}}}}}));
  http_.on("GET", base() + "/databases?marker=b",
           json_response(200, {{"databases", {{{"name", "c"}}}}}));
  EXPECT_EQ(run_cli({"database", "list", kId}), 0) << err_.str();
  EXPECT_TRUE(out_has("| a    |")) << out_.str();
  EXPECT_TRUE(out_has("| c    |")) << out_.str();
  EXPECT_EQ(http_.count("GET", base() + "/databases?marker=b"), 1);
}

TEST_F(CliDatabaseAdminTest, DatabaseDeleteEncodesTheName) {
  http_.on("DELETE", base() + "/databases/my%24db", json_response(202, nullptr));
  EXPECT_EQ(run_cli({"database", "delete", kId, "my$db"}), 0) << err_.str();
}

TEST_F(CliDatabaseAdminTest, UserCreateSendsHostAndDatabases) {
  http_.on("POST", base() + "/users", json_response(202, nullptr));
  EXPECT_EQ(run_cli({"user", "create", kId, "app", "s3cret-pass", "--host", "10.0.0.%",
                     "--databases", "shop,crm"}),
            0)
      << err_.str();
  EXPECT_EQ(sent("POST", base() + "/users"),
            json({{"users",
                   {{{"name", "app"},
                     {"password", "s3cret-pass"},
                     {"host", "10.0.0.%"},
                     {"databases", {{{"name", "shop"}}, {{"name", "crm"}}}}}}}}));
  EXPECT_EQ(out_.str().find("s3cret-pass"), std::string::npos) << "never printed";
}

TEST_F(CliDatabaseAdminTest, UserShowNamesTheAccountAsTroveDoes) {
  http_.on("GET", base() + "/users/app%4010.0.0.%25",
           json_response(200, {{"user",
                                {{"name", "app"},
                                 {"host", "10.0.0.%"},
                                 {"databases", {{{"name", "shop"}}, {{"name", "crm"}}}}}}}));
  EXPECT_EQ(run_cli({"user", "show", kId, "app", "--host", "10.0.0.%"}), 0) << err_.str();
  EXPECT_TRUE(out_has("| databases | shop, crm ")) << out_.str();
}

TEST_F(CliDatabaseAdminTest, UserListGrantRevokePasswordDelete) {
  http_.on("GET", base() + "/users",
           json_response(
               200, {{"users",
                      {{{"name", "app"}, {"host", "%"}, {"databases", {{{"name", "shop"}}}}}}}}));
  EXPECT_EQ(run_cli({"user", "list", kId}), 0) << err_.str();
  EXPECT_TRUE(out_has("| app  | %    | shop      |")) << out_.str();

  http_.on("PUT", base() + "/users/app/databases", json_response(202, nullptr));
  EXPECT_EQ(run_cli({"user", "grant", kId, "app", "shop", "crm"}), 0) << err_.str();
  EXPECT_EQ(sent("PUT", base() + "/users/app/databases"),
            json({{"databases", {{{"name", "shop"}}, {{"name", "crm"}}}}}));

  http_.on("DELETE", base() + "/users/app/databases/crm", json_response(202, nullptr));
  EXPECT_EQ(run_cli({"user", "revoke", kId, "app", "crm"}), 0) << err_.str();

  http_.on("PUT", base() + "/users", json_response(202, nullptr));
  EXPECT_EQ(run_cli({"user", "password", kId, "app", "n3w-secret"}), 0) << err_.str();
  EXPECT_EQ(sent("PUT", base() + "/users"),
            json({{"users", {{{"name", "app"}, {"password", "n3w-secret"}}}}}));

  http_.on("DELETE", base() + "/users/app", json_response(202, nullptr));
  EXPECT_EQ(run_cli({"user", "delete", kId, "app"}), 0) << err_.str();
}

TEST_F(CliDatabaseAdminTest, TheServersRefusalIsTheMessageAndExit1) {
  http_.on("DELETE", base() + "/users/ghost",
           json_response(404, {{"itemNotFound",
                                {{"code", 404}, {"message", "user 'ghost@%' was not found"}}}}));
  EXPECT_EQ(run_cli({"user", "delete", kId, "ghost"}), 1);
  EXPECT_NE(err_.str().find("user 'ghost@%' was not found"), std::string::npos) << err_.str();
}

TEST_F(CliDatabaseAdminTest, RootEnablePrintsThePasswordOnceAndShowDisable) {
  http_.on("POST", base() + "/root",
           json_response(200, {{"user", {{"name", "root"}, {"password", "Gen3rated"}}}}));
  EXPECT_EQ(run_cli({"root", "enable", kId}), 0) << err_.str();
  EXPECT_EQ(sent("POST", base() + "/root"), json::object());
  EXPECT_TRUE(out_has("| password | Gen3rated |")) << out_.str();
  EXPECT_NE(err_.str().find("not shown again"), std::string::npos);

  EXPECT_EQ(run_cli({"root", "enable", kId, "--password", "chosen-pw-1"}), 0) << err_.str();
  EXPECT_EQ(sent("POST", base() + "/root"), json({{"password", "chosen-pw-1"}}));

  http_.on("GET", base() + "/root", json_response(200, {{"rootEnabled", true}}));
  EXPECT_EQ(run_cli({"root", "show", kId}), 0) << err_.str();
  EXPECT_TRUE(out_has("| rootEnabled | true  |")) << out_.str();

  http_.on("DELETE", base() + "/root", json_response(204, nullptr));
  EXPECT_EQ(run_cli({"root", "disable", kId}), 0) << err_.str();
  EXPECT_EQ(http_.count("DELETE", base() + "/root"), 1);
}

TEST_F(CliDatabaseAdminTest, ClusterRootShow) {
  const std::string cluster = "c0c0c0c0-1111-4222-8333-444455556666";
  http_.on("GET", "/clusters/" + cluster + "/root", json_response(200, {{"rootEnabled", false}}));
  EXPECT_EQ(run_cli({"-f", "json", "cluster", "root-show", cluster}), 0) << err_.str();
  EXPECT_EQ(json::parse(out_.str()), json({{"rootEnabled", false}}));
}

}  // namespace
}  // namespace automat::cli
