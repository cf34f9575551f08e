// POST /instances/{id}/action {"resize": {"volume": {"size": N}}} through the
// Router, with fakes: the 202 and every refusal, each writing nothing.
#include <gtest/gtest.h>

#include "tests/unit/api_test_env.h"

namespace automat::api {
namespace {

using nlohmann::json;
using testing::ApiTestEnv;
using testing::body_of;

struct ResizeEnv : ApiTestEnv {
  // ACTIVE and idle, a 2 GB volume.
  std::string inst = add_instance(tenant_a, "NONE", "RUNNING");

  Response resize(const json& body, const std::string& id = "") {
    return call(Method::kPost, url(tenant_a, "/instances/" + (id.empty() ? inst : id) + "/action"),
                token_a, body.dump());
  }
  static json volume(const json& size) { return {{"resize", {{"volume", {{"size", size}}}}}}; }
  std::string message(const Response& r) {
    return body_of(r).begin().value()["message"].get<std::string>();
  }
};

TEST(InstanceResize, StartsAResizeVolumeOperationAndShowsRESIZE) {
  ResizeEnv env;
  const Response r = env.resize(ResizeEnv::volume(5));
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(body_of(r)["operation"]["id"], r.operation_id);
  const auto op = env.operations.find_any(r.operation_id);
  ASSERT_TRUE(op);
  EXPECT_EQ(op->type, "instance.resize_volume");
  EXPECT_EQ(op->resource_id, env.inst);
  EXPECT_EQ(op->input, json({{"size_gb", 5}}));
  EXPECT_EQ(env.instances.find_any(env.inst)->task, "RESIZE");
  EXPECT_EQ(env.instances.find_any(env.inst)->volume_size_gb, 2) << "recorded once it has grown";
  EXPECT_EQ(env.publisher.published().size(), 1u);
  const Response shown =
      env.call(Method::kGet, env.url(env.tenant_a, "/instances/" + env.inst), env.token_a);
  EXPECT_EQ(body_of(shown)["instance"]["status"], "RESIZE");
}

TEST(InstanceResize, RefusalsNameTheFieldAndWriteNothing) {
  ApiLimits limits;
  limits.max_volume_gb = 50;
  ResizeEnv env;
  env.services.limits = limits;
  struct Case {
    json body;
    int status;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {ResizeEnv::volume("five"), 400, "resize.volume.size must be a whole number"},
      {ResizeEnv::volume(0), 400, "resize.volume.size must be a whole number"},
      {ResizeEnv::volume("0"), 400, "resize.volume.size must be a whole number of GB, at least 1"},
      {ResizeEnv::volume(-4), 400, "resize.volume.size must be a whole number"},
      {ResizeEnv::volume(2.5), 400, "resize.volume.size must be a whole number"},
      {{{"resize", {{"volume", json::object()}}}}, 400, "resize.volume.size is required"},
      {{{"resize", json::object()}},
       400,
       "resize must be {\"volume\": {\"size\": N}} or {\"flavorRef\": F}"},
      {ResizeEnv::volume(2), 400,
       "resize.volume.size: volumes only grow: instance " + env.inst + "'s volume is 2 GB"},
      {ResizeEnv::volume(1), 400, "volumes only grow"},
      {ResizeEnv::volume(51), 400, "resize.volume.size must be at most 50 GB"},
      {ResizeEnv::volume(2000000000), 400,
       "must be at most 50 GB, the largest volume this "
       "service makes; got more"},
      {{{"resize", {{"flavorRef", "2"}, {"volume", {{"size", 5}}}}}},
       400,
       "resize takes one of volume and flavorRef at a time"},
      {{{"frobnicate", json::object()}}, 400, "use resize, detach"},
  };
  for (const auto& c : cases) {
    const Response r = env.resize(c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " " << r.body;
    EXPECT_NE(env.message(r).find(c.message_part), std::string::npos) << c.body << " " << r.body;
  }
  EXPECT_EQ(env.instances.find_any(env.inst)->task, "NONE");
  EXPECT_EQ(env.operation_count(), 1u) << "only the seeded create";
  EXPECT_TRUE(env.publisher.published().empty());
}

TEST(InstanceResize, ASizeMayBeAStringOfDigitsAsTroveAllows) {
  ResizeEnv env;
  const Response r = env.resize(ResizeEnv::volume("6"));
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(env.operations.find_any(r.operation_id)->input, json({{"size_gb", 6}}));
}

TEST(InstanceResize, ABusyOrUnhealthyInstanceIs409) {
  ResizeEnv env;
  const std::string backing_up = env.add_instance(env.tenant_a, "BACKUP", "RUNNING");
  Response r = env.resize(ResizeEnv::volume(5), backing_up);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(env.message(r).find("instance " + backing_up + " is BACKUP; its volume can grow only"),
            std::string::npos)
      << r.body;
  const std::string shut = env.add_instance(env.tenant_a, "NONE", "SHUTDOWN");
  r = env.resize(ResizeEnv::volume(5), shut);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(env.message(r).find("is SHUTDOWN; its volume can grow only while it is ACTIVE"),
            std::string::npos)
      << r.body;
  // A second resize while the first runs.
  ASSERT_EQ(env.resize(ResizeEnv::volume(5)).status, 202);
  r = env.resize(ResizeEnv::volume(9));
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(env.message(r).find("is RESIZE"), std::string::npos) << r.body;
}

TEST(InstanceResize, GrowthOverTheVolumesQuotaIs413) {
  ResizeEnv env;
  env.quotas.set_limits(env.tenant_a, {{"volumes", 6}});  // 2 GB in use
  const size_t ops = env.operation_count();
  Response r = env.resize(ResizeEnv::volume(7));  // +5 GB: 7 > 6
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_NE(env.message(r).find("volumes would be 7 GB"), std::string::npos) << r.body;
  EXPECT_EQ(env.instances.find_any(env.inst)->task, "NONE");
  EXPECT_EQ(env.operation_count(), ops);
  r = env.resize(ResizeEnv::volume(6));  // +4 GB: exactly the limit
  EXPECT_EQ(r.status, 202) << r.body;
}

TEST(InstanceResize, AClusterNodeIsGrownThroughItsCluster) {
  ResizeEnv env;
  env.instances.instances[env.inst].cluster_id = "c-42";
  const Response r = env.resize(ResizeEnv::volume(5));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(env.message(r).find("is a node of cluster c-42"), std::string::npos) << r.body;
  EXPECT_NE(env.message(r).find("resize_volume"), std::string::npos) << r.body;
  EXPECT_EQ(env.instances.find_any(env.inst)->task, "NONE");
}

TEST(InstanceResize, AnotherTenantsInstanceIsNotFound) {
  ResizeEnv env;
  const std::string theirs = env.add_instance(env.tenant_b, "NONE", "RUNNING");
  EXPECT_EQ(env.resize(ResizeEnv::volume(5), theirs).status, 404);
  EXPECT_EQ(env.instances.find_any(theirs)->task, "NONE");
}

}  // namespace
}  // namespace automat::api
