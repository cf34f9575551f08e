// POST /instances/{id}/action {"resize": {"flavorRef": F}} through the
// Router, with fakes: the 202 and every refusal, each writing nothing.
#include <gtest/gtest.h>

#include "tests/unit/api_test_env.h"

namespace automat::api {
namespace {

using nlohmann::json;
using testing::ApiTestEnv;
using testing::body_of;

struct FlavorResizeEnv : ApiTestEnv {
  // ACTIVE and idle, on flavor 1 (m1.tiny, 512 MB).
  std::string inst = add_instance(tenant_a, "NONE", "RUNNING");

  Response resize(const json& body, const std::string& id = "") {
    return call(Method::kPost, url(tenant_a, "/instances/" + (id.empty() ? inst : id) + "/action"),
                token_a, body.dump());
  }
  static json flavor(const json& ref) { return {{"resize", {{"flavorRef", ref}}}}; }
  std::string message(const Response& r) {
    return body_of(r).begin().value()["message"].get<std::string>();
  }
  // Nothing was written: the instance idle on flavor 1, no operation but
  // the seeded create, nothing published.
  void expect_nothing_written() {
    EXPECT_EQ(instances.find_any(inst)->task, "NONE");
    EXPECT_EQ(instances.find_any(inst)->flavor_id, "1");
    EXPECT_EQ(operation_count(), 1u) << "only the seeded create";
    EXPECT_TRUE(publisher.published().empty());
  }
};

TEST(InstanceFlavorResize, StartsAResizeFlavorOperationAndShowsRESIZE) {
  FlavorResizeEnv env;
  const Response r = env.resize(FlavorResizeEnv::flavor("2"));
  ASSERT_EQ(r.status, 202) << r.body;
  const auto op = env.operations.find_any(r.operation_id);
  ASSERT_TRUE(op);
  EXPECT_EQ(op->type, "instance.resize_flavor");
  EXPECT_EQ(op->resource_id, env.inst);
  EXPECT_EQ(op->input, json({{"flavor_id", "2"}, {"ram_mb", 1024}, {"old_flavor_id", "1"}}));
  const auto inst = env.instances.find_any(env.inst);
  EXPECT_EQ(inst->task, "RESIZE");
  EXPECT_EQ(inst->flavor_id, "1") << "recorded once the datastore runs with it";
  EXPECT_EQ(env.publisher.published().size(), 1u);
  const Response shown =
      env.call(Method::kGet, env.url(env.tenant_a, "/instances/" + env.inst), env.token_a);
  EXPECT_EQ(body_of(shown)["instance"]["status"], "RESIZE");
}

TEST(InstanceFlavorResize, AFlavorMayBeNamedByNameNumberOrLink) {
  for (const json& ref : {json("m1.small"), json(2), json("https://db.example/flavors/2")}) {
    FlavorResizeEnv env;
    const Response r = env.resize(FlavorResizeEnv::flavor(ref));
    ASSERT_EQ(r.status, 202) << ref << " " << r.body;
    EXPECT_EQ(env.operations.find_any(r.operation_id)->input["flavor_id"], "2") << ref;
  }
}

TEST(InstanceFlavorResize, RefusalsSayWhyAndWriteNothing) {
  FlavorResizeEnv env;
  struct Case {
    json body;
    int status;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {FlavorResizeEnv::flavor("m9.huge"), 400, "resize.flavorRef 'm9.huge' is not a known flavor"},
      {FlavorResizeEnv::flavor("1"), 400,
       "resize.flavorRef: instance " + env.inst + " already has flavor 'm1.tiny'"},
      {FlavorResizeEnv::flavor("m1.tiny"), 400, "already has flavor 'm1.tiny'"},
      // MySQL's own floor: 512 MB.
      {FlavorResizeEnv::flavor("9"), 400,
       "resize.flavorRef: flavor 'm1.nano' has 256 MB of RAM; mysql 10.11 needs at least 512 MB"},
      {FlavorResizeEnv::flavor(""), 400, "resize.flavorRef"},
      {FlavorResizeEnv::flavor(json::array()), 400, "resize.flavorRef"},
      {{{"resize", {{"flavorRef", "2"}, {"volume", {{"size", 5}}}}}},
       400,
       "resize takes one of volume and flavorRef at a time"},
  };
  for (const auto& c : cases) {
    const Response r = env.resize(c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " " << r.body;
    EXPECT_NE(env.message(r).find(c.message_part), std::string::npos) << c.body << " " << r.body;
  }
  env.expect_nothing_written();
}

TEST(InstanceFlavorResize, TheVersionsRamFloorIsNamed) {
  FlavorResizeEnv env;
  db::DatastoreVersion big;
  big.name = "11.4";
  big.manager = "mysql";
  big.min_ram_mb = 2048;
  env.instances.instances[env.inst].datastore_version_id =
      env.catalog.register_version("mysql", big, true);
  const Response r = env.resize(FlavorResizeEnv::flavor("2"));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(env.message(r).find("flavor 'm1.small' has 1024 MB of RAM; mysql 11.4 needs at least "
                                "2048 MB"),
            std::string::npos)
      << r.body;
  env.expect_nothing_written();
}

TEST(InstanceFlavorResize, ABusyOrUnhealthyInstanceIs409) {
  FlavorResizeEnv env;
  const std::string backing_up = env.add_instance(env.tenant_a, "BACKUP", "RUNNING");
  Response r = env.resize(FlavorResizeEnv::flavor("2"), backing_up);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(env.message(r).find("is BACKUP; its flavor can change only while it is ACTIVE"),
            std::string::npos)
      << r.body;
  const std::string shut = env.add_instance(env.tenant_a, "NONE", "SHUTDOWN");
  r = env.resize(FlavorResizeEnv::flavor("2"), shut);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(env.message(r).find("is SHUTDOWN"), std::string::npos) << r.body;
  // A flavor resize while a volume resize runs.
  ASSERT_EQ(env.resize({{"resize", {{"volume", {{"size", 5}}}}}}).status, 202);
  r = env.resize(FlavorResizeEnv::flavor("2"));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(env.message(r).find("is RESIZE"), std::string::npos) << r.body;
}

TEST(InstanceFlavorResize, RamGainedOverTheRamQuotaIs413) {
  FlavorResizeEnv env;
  env.quotas.set_limits(env.tenant_a, {{"ram", 1000}});   // 512 MB in use
  Response r = env.resize(FlavorResizeEnv::flavor("2"));  // +512 MB: 1024 > 1000
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_NE(env.message(r).find("ram"), std::string::npos) << r.body;
  env.expect_nothing_written();
  env.quotas.set_limits(env.tenant_a, {{"ram", 1024}});  // exactly the limit
  r = env.resize(FlavorResizeEnv::flavor("2"));
  EXPECT_EQ(r.status, 202) << r.body;
}

TEST(InstanceFlavorResize, AClusterNodeIsRefused) {
  FlavorResizeEnv env;
  env.instances.instances[env.inst].cluster_id = "c-42";
  const Response r = env.resize(FlavorResizeEnv::flavor("2"));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(env.message(r).find("is a node of cluster c-42"), std::string::npos) << r.body;
  env.expect_nothing_written();
}

TEST(InstanceFlavorResize, AnotherTenantsInstanceIsNotFound) {
  FlavorResizeEnv env;
  const std::string theirs = env.add_instance(env.tenant_b, "NONE", "RUNNING");
  EXPECT_EQ(env.resize(FlavorResizeEnv::flavor("2"), theirs).status, 404);
  EXPECT_EQ(env.instances.find_any(theirs)->task, "NONE");
}

}  // namespace
}  // namespace automat::api
