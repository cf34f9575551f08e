// The whole command line (cli::run) against a scripted HttpClient.
#include <gtest/gtest.h>

#include <sstream>

#include "cli/app.h"
#include "tests/fakes/fake_http_client.h"
#include "tests/fakes/fake_poll_clock.h"
#include "tests/unit/cli_session_fixture.h"

namespace automat::cli {
namespace {

using testing::FakeHttpClient;
using testing::FakePollClock;
using testing::json_response;

constexpr const char* kId = "0b5c1d1e-7a0f-4c58-9d7e-1f2a3b4c5d6e";

nlohmann::json instance_view(const std::string& status) {
  return {{"id", kId},
          {"name", "db1"},
          {"status", status},
          {"task", status == "ACTIVE" ? "NONE" : "BUILDING"},
          {"flavor", {{"id", "2"}}},
          {"datastore", {{"type", "mysql"}, {"version", "10.11"}}},
          {"volume", {{"size", 1}}},
          {"ip", {"127.10.0.5"}}};
}

nlohmann::json operation(const std::string& state, double progress) {
  return {{"operation",
           {{"id", "op1"},
            {"type", "instance.create"},
            {"state", state},
            {"progress", progress},
            {"message", state == "FAILED" ? "prepare failed" : "starting MariaDB"},
            {"errors", state == "FAILED" ? nlohmann::json{{{"host", "127.10.0.5"},
                                                           {"message", "mariadbd did not start"}}}
                                         : nlohmann::json::array()}}}};
}

class CliCommandsTest : public testing::CliSessionTest {
 protected:
  void script_flavors() {
    http_.on("GET", "/flavors",
             json_response(200, {{"flavors",
                                  {{{"id", "1"}, {"name", "m1.tiny"}, {"ram", 512}},
                                   {{"id", "2"}, {"name", "m1.small"}, {"ram", 1024}}}}}));
  }

  void script_create_accepted() {
    script_flavors();
    http_.on(
        "POST", "/instances",
        json_response(202, {{"instance", instance_view("BUILD")}, {"operation", {{"id", "op1"}}}},
                      {{"x-operation-id", "op1"}}));
  }
};

TEST_F(CliCommandsTest, CreateWaitShowsTheActiveInstance) {
  script_create_accepted();
  http_.on("GET", "/operations/op1", json_response(200, operation("RUNNING", 0.3)));
  http_.on("GET", "/operations/op1", json_response(200, operation("COMPLETED", 1)));
  http_.on("GET", std::string("/instances/") + kId,
           json_response(200, {{"instance", instance_view("ACTIVE")}}));

  int code = run_cli({"instance", "create", "db1", "--flavor", "m1.small", "--size", "1",
                      "--database", "shop", "--user", "app:s3cretpass:shop", "--wait"});
  EXPECT_EQ(code, 0) << err_.str();
  nlohmann::json sent = nlohmann::json::parse(http_.last("POST", "/instances").body);
  EXPECT_EQ(sent["instance"]["flavorRef"], "2");  // resolved from the name
  EXPECT_EQ(sent["instance"]["users"][0]["password"], "s3cretpass");
  EXPECT_EQ(http_.last("POST", "/instances").url, "http://api:8779/v1.0/t1/instances");
  EXPECT_NE(out_.str().find("| status            | ACTIVE "), std::string::npos) << out_.str();
  EXPECT_NE(err_.str().find("30%  starting MariaDB"), std::string::npos) << err_.str();
  EXPECT_EQ(out_.str().find("s3cretpass"), std::string::npos);
}

TEST_F(CliCommandsTest, CreateWaitFailedExitsOneWithTheHostError) {
  script_create_accepted();
  http_.on("GET", "/operations/op1", json_response(200, operation("FAILED", 0.4)));
  int code = run_cli({"instance", "create", "db1", "--flavor", "2", "--size", "1", "--wait"});
  EXPECT_EQ(code, 1);
  EXPECT_NE(err_.str().find("ERROR: operation op1 (instance.create) FAILED: prepare failed\n"
                            "  127.10.0.5: mariadbd did not start\n"),
            std::string::npos)
      << err_.str();
  EXPECT_EQ(http_.count("GET", std::string("/instances/") + kId), 0);
}

TEST_F(CliCommandsTest, CreateWaitTimesOutWithExitTwo) {
  script_create_accepted();
  http_.on("GET", "/operations/op1", json_response(200, operation("RUNNING", 0.3)));
  int code = run_cli(
      {"--timeout", "3", "instance", "create", "db1", "--flavor", "2", "--size", "1", "--wait"});
  EXPECT_EQ(code, 2);
  EXPECT_NE(err_.str().find("gave up after 3s waiting for operation op1 (RUNNING, 30%)"),
            std::string::npos)
      << err_.str();
}

TEST_F(CliCommandsTest, CreateWithoutWaitPrintsTheOperation) {
  script_create_accepted();
  EXPECT_EQ(run_cli({"instance", "create", "db1", "--flavor", "2", "--size", "1"}), 0);
  EXPECT_NE(out_.str().find("| operation         | op1 "), std::string::npos) << out_.str();
  EXPECT_EQ(http_.count("GET", "/operations/op1"), 0);
}

TEST_F(CliCommandsTest, ServerErrorsAreShownWithTheirCode) {
  script_flavors();
  http_.on(
      "POST", "/instances",
      json_response(400, {{"badRequest",
                           {{"code", 400},
                            {"message", "instance.volume.size must be between 1 and 1024"}}}}));
  EXPECT_EQ(run_cli({"instance", "create", "db1", "--flavor", "2", "--size", "0"}), 1);
  EXPECT_EQ(err_.str(), "ERROR (400): instance.volume.size must be between 1 and 1024\n");
}

TEST_F(CliCommandsTest, UnknownFlavorNameIsRefusedBeforePosting) {
  script_flavors();
  EXPECT_EQ(run_cli({"instance", "create", "db1", "--flavor", "m9.huge", "--size", "1"}), 1);
  EXPECT_NE(err_.str().find("no flavor with ID or name \"m9.huge\""), std::string::npos);
  EXPECT_EQ(http_.count("POST", "/instances"), 0);
}

TEST_F(CliCommandsTest, ListAsTableAndJson) {
  http_.on("GET", "/instances", json_response(200, {{"instances", {instance_view("ACTIVE")}}}));
  EXPECT_EQ(run_cli({"instance", "list"}), 0);
  EXPECT_NE(out_.str().find(std::string("| ") + kId +
                            " | db1  | mysql     | 10.11             | "
                            "ACTIVE | 127.10.0.5 | 2         | 1    |"),
            std::string::npos)
      << out_.str();
  out_.str("");
  EXPECT_EQ(run_cli({"instance", "list", "-f", "json"}), 0);
  nlohmann::json printed = nlohmann::json::parse(out_.str());
  ASSERT_TRUE(printed.is_array());
  EXPECT_EQ(printed[0]["status"], "ACTIVE");
}

TEST_F(CliCommandsTest, ShowResolvesAName) {
  http_.on("GET", "/instances", json_response(200, {{"instances", {instance_view("ACTIVE")}}}));
  http_.on("GET", std::string("/instances/") + kId,
           json_response(200, {{"instance", instance_view("ACTIVE")}}));
  EXPECT_EQ(run_cli({"-f", "json", "instance", "show", "db1"}), 0);
  EXPECT_EQ(nlohmann::json::parse(out_.str())["id"], kId);
}

TEST_F(CliCommandsTest, DeleteWaitEndsWhenTheInstanceIsGone) {
  std::string path = std::string("/instances/") + kId;
  http_.on("DELETE", path, json_response(202, nullptr, {{"x-operation-id", "op2"}}));
  nlohmann::json running = operation("RUNNING", 0.5);
  nlohmann::json done = operation("COMPLETED", 1);
  http_.on("GET", "/operations/op2", json_response(200, running));
  http_.on("GET", "/operations/op2", json_response(200, done));
  http_.on("GET", path, json_response(200, {{"instance", instance_view("SHUTDOWN")}}));
  http_.on("GET", path,
           json_response(404, {{"itemNotFound", {{"code", 404}, {"message", "gone"}}}}));
  EXPECT_EQ(run_cli({"instance", "delete", kId, "--wait"}), 0) << err_.str();
  EXPECT_EQ(out_.str(), std::string("Instance ") + kId + " deleted.\n");
  EXPECT_EQ(http_.count("GET", path), 2);
}

TEST_F(CliCommandsTest, DeleteWithoutWait) {
  http_.on("DELETE", std::string("/instances/") + kId,
           json_response(202, nullptr, {{"x-operation-id", "op2"}}));
  EXPECT_EQ(run_cli({"instance", "delete", kId}), 0);
  EXPECT_EQ(out_.str(),
            std::string("Request to delete instance ") + kId + " was accepted (operation op2).\n");
}

TEST_F(CliCommandsTest, CatalogAndOperationShow) {
  script_flavors();
  http_.on("GET", "/datastores",
           json_response(200, {{"datastores",
                                {{{"id", "d1"},
                                  {"name", "mysql"},
                                  {"default_version", "v1"},
                                  {"versions", {{{"id", "v1"}, {"name", "10.11"}}}}}}}}));
  http_.on("GET", "/operations/op1", json_response(200, operation("FAILED", 0.4)));
  EXPECT_EQ(run_cli({"flavor", "list"}), 0);
  EXPECT_NE(out_.str().find("| 2  | m1.small | 1024     |"), std::string::npos) << out_.str();
  EXPECT_EQ(run_cli({"datastore", "list"}), 0);
  EXPECT_NE(out_.str().find("| d1 | mysql | 10.11 (default) |"), std::string::npos) << out_.str();
  EXPECT_EQ(run_cli({"operation", "show", "op1"}), 0);
  EXPECT_NE(out_.str().find("| errors   | 127.10.0.5: mariadbd did not start |"), std::string::npos)
      << out_.str();
}

TEST_F(CliCommandsTest, UnreachableApiNamesTheUrl) {
  http_.refuse("GET", "/instances");
  EXPECT_EQ(run_cli({"instance", "list"}), 1);
  EXPECT_NE(err_.str().find("ERROR: cannot reach automat-api at http://api:8779/v1.0/t1/instances"),
            std::string::npos)
      << err_.str();
}

TEST_F(CliCommandsTest, UsageErrors) {
  EXPECT_EQ(run_cli({"instance", "list", "-f", "xml"}), kExitUsage);
  EXPECT_EQ(run_cli({"instance"}), kExitUsage);
  EXPECT_EQ(run_cli({"instance", "create", "db1", "--size", "1"}), kExitUsage);  // no --flavor
  EXPECT_TRUE(http_.requests.empty());
}

TEST(CliCommandsNoEndpoint, MissingUrlIsExplained) {
  FakeHttpClient http;
  FakePollClock clock;
  std::ostringstream out, err;
  Session session{http, clock, out, err, Terminal{}, {}};
  unsetenv("AUTOMAT_URL");
  unsetenv("AUTOMAT_TOKEN");
  EXPECT_EQ(run({"automat", "instance", "list"}, session), 1);
  EXPECT_NE(err.str().find("ERROR: no API endpoint: set AUTOMAT_URL"), std::string::npos);
  EXPECT_TRUE(http.requests.empty());
}

}  // namespace
}  // namespace automat::cli
