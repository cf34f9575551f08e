// The CLI against Trove-compatible answers: lists that come in pages,
// flavors whose id is Trove's integer-or-null with str_id, and the limits
// and quota commands.
#include <gtest/gtest.h>

#include "tests/unit/cli_session_fixture.h"

namespace automat::cli {
namespace {

using nlohmann::json;
using testing::json_response;

class CliCompatTest : public testing::CliSessionTest {};

json instance(const std::string& id, const std::string& name) {
  return {{"id", id},
          {"name", name},
          {"status", "ACTIVE"},
          {"task", "NONE"},
          {"flavor", {{"id", "1"}}},
          {"volume", {{"size", 1}}},
          {"datastore", {{"type", "mysql"}, {"version", "10.11"}}}};
}

TEST_F(CliCompatTest, InstanceListFollowsTheNextLinks) {
  http_.on(
      "GET", "/instances",
      json_response(
          200, {{"instances", {instance("i1", "one")}},
                {"links",
                 {{{"rel", "next"}, {"href", "http://elsewhere/v1.0/t1/instances?marker=i1"}}}}}));
  http_.on("GET", "/instances?marker=i1",
           json_response(200, {{"instances", {instance("i2", "two")}}, {"links", json::array()}}));
  ASSERT_EQ(run_cli({"instance", "list", "-f", "json"}), 0) << err_.str();
  const json listed = json::parse(out_.str());
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[1]["name"], "two");
  // The next page is asked of the configured endpoint, never the link's host.
  EXPECT_EQ(http_.last("GET", "/instances?marker=i1").url,
            "http://api:8779/v1.0/t1/instances?marker=i1");
}

TEST_F(CliCompatTest, FlavorsAreNamedByTheirStrId) {
  http_.on(
      "GET", "/flavors",
      json_response(
          200, {{"flavors",
                 {{{"id", 1}, {"str_id", "1"}, {"name", "m1.tiny"}, {"ram", 512}},
                  {{"id", nullptr}, {"str_id", "db.large"}, {"name", "large"}, {"ram", 8192}}}}}));
  ASSERT_EQ(run_cli({"flavor", "list"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("db.large"), std::string::npos) << out_.str();
  http_.on("POST", "/instances",
           json_response(202, {{"instance", instance("i9", "db9")}, {"operation", {{"id", "op"}}}},
                         {{"x-operation-id", "op"}}));
  ASSERT_EQ(run_cli({"instance", "create", "db9", "--flavor", "large", "--size", "1"}), 0)
      << err_.str();
  EXPECT_EQ(json::parse(http_.last("POST", "/instances").body)["instance"]["flavorRef"],
            "db.large");
}

TEST_F(CliCompatTest, LimitsShowsTheAbsoluteLimits) {
  http_.on("GET", "/limits",
           json_response(200, {{"limits",
                                {{{"verb", "ABSOLUTE"},
                                  {"max_instances", 10},
                                  {"max_ram", -1},
                                  {"max_volumes", 40},
                                  {"max_backups", 50}}}}}));
  ASSERT_EQ(run_cli({"limits"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("instances"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("unlimited"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("40"), std::string::npos) << out_.str();
}

TEST_F(CliCompatTest, QuotaShowDefaultsToTheOwnTenantAndSetPutsTheLimits) {
  const json quotas = {{"quotas",
                        {{{"resource", "instances"}, {"in_use", 1}, {"reserved", 0}, {"limit", 3}},
                         {{"resource", "ram"}, {"in_use", 512}, {"reserved", 0}, {"limit", -1}}}}};
  http_.on("GET", "/mgmt/quotas/t1", json_response(200, quotas));
  ASSERT_EQ(run_cli({"quota", "show"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("unlimited"), std::string::npos) << out_.str();

  http_.on("PUT", "/mgmt/quotas/t2", json_response(200, {{"quotas", {{"instances", 3}}}}));
  http_.on("GET", "/mgmt/quotas/t2", json_response(200, quotas));
  ASSERT_EQ(run_cli({"quota", "set", "t2", "--instances", "3", "--volumes", "-1"}), 0)
      << err_.str();
  EXPECT_EQ(json::parse(http_.last("PUT", "/mgmt/quotas/t2").body),
            json::parse(R"({"quotas": {"instances": 3, "volumes": -1}})"));
  EXPECT_NE(run_cli({"quota", "set", "t2"}), 0) << "nothing to set";
  EXPECT_EQ(http_.count("PUT", "/mgmt/quotas/t2"), 1);
}

}  // namespace
}  // namespace automat::cli
