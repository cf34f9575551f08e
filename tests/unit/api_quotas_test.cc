// GET /limits, /mgmt/quotas and the quota every create is charged: 413
// overLimit naming what is over, nothing written; admins change limits.
#include <gtest/gtest.h>

#include <set>

#include "api/openapi.h"
#include "db/quota.h"
#include "tests/unit/cluster_test_env.h"

namespace automat::api {
namespace {

using nlohmann::json;
using testing::ApiTestEnv;
using testing::body_of;
using testing::ClusterTestEnv;
using testing::valid_create_body;

Response create_instance(ApiTestEnv& env, const json& body = valid_create_body()) {
  return env.call(Method::kPost, ApiTestEnv::url(env.tenant_a, "/instances"), env.token_a,
                  body.dump());
}

Response put_quotas(ApiTestEnv& env, const std::string& tenant, const json& body,
                    const std::string& token) {
  return env.call(Method::kPut, ApiTestEnv::url(env.tenant_ops, "/mgmt/quotas/" + tenant), token,
                  body.dump());
}

void set_limit(ApiTestEnv& env, const std::string& resource, int64_t limit) {
  env.quotas.set_limits(env.tenant_a, {{resource, limit}});
}

// The message of a 413 overLimit, after checking nothing was written.
std::string over_limit(const Response& r) {
  EXPECT_EQ(r.status, 413) << r.body;
  const json body = body_of(r);
  EXPECT_TRUE(body.contains("overLimit")) << r.body;
  return body["overLimit"].value("message", "");
}

TEST(Limits, AbsoluteLimitsInTrovesShape) {
  ApiTestEnv env;
  const Response r = env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/limits"), env.token_a);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r), json::parse(R"({"limits": [{"verb": "ABSOLUTE", "max_instances": 10,
      "max_ram": -1, "max_volumes": 40, "max_backups": 50}]})"));
  set_limit(env, "instances", 2);
  const json after =
      body_of(env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/limits"), env.token_a));
  EXPECT_EQ(after["limits"][0]["max_instances"], 2);
}

TEST(Limits, DefaultsComeFromTheConfiguration) {
  ApiTestEnv env;
  env.services.quota_defaults = db::QuotaValues{1, 2048, 5, 0};
  const json body =
      body_of(env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/limits"), env.token_a));
  EXPECT_EQ(body["limits"][0]["max_instances"], 1);
  EXPECT_EQ(body["limits"][0]["max_ram"], 2048);
  EXPECT_EQ(body["limits"][0]["max_backups"], 0);
}

TEST(QuotaShow, UsageAndLimitsForTheTenantOrAnAdmin) {
  ApiTestEnv env;
  ASSERT_EQ(create_instance(env).status, 202);  // flavor 1: 512 MB, 2 GB
  const Response own = env.call(
      Method::kGet, ApiTestEnv::url(env.tenant_a, "/mgmt/quotas/" + env.tenant_a), env.token_a);
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(body_of(own), json::parse(R"({"quotas": [
      {"resource": "instances", "in_use": 1, "reserved": 0, "limit": 10},
      {"resource": "ram", "in_use": 512, "reserved": 0, "limit": -1},
      {"resource": "volumes", "in_use": 2, "reserved": 0, "limit": 40},
      {"resource": "backups", "in_use": 0, "reserved": 0, "limit": 50}]})"));
  const Response admin =
      env.call(Method::kGet, ApiTestEnv::url(env.tenant_ops, "/mgmt/quotas/" + env.tenant_a),
               env.admin_token);
  EXPECT_EQ(admin.status, 200) << admin.body;
  EXPECT_EQ(body_of(admin), body_of(own));
  const Response other = env.call(
      Method::kGet, ApiTestEnv::url(env.tenant_b, "/mgmt/quotas/" + env.tenant_a), env.token_b);
  EXPECT_EQ(other.status, 403) << other.body;
  EXPECT_TRUE(body_of(other).contains("forbidden"));
}

TEST(QuotaUpdate, AnAdminSetsLimitsAndGetsThemBack) {
  ApiTestEnv env;
  const Response r = put_quotas(env, env.tenant_a,
                                {{"quotas", {{"instances", 3}, {"volumes", -1}, {"ram", nullptr}}}},
                                env.admin_token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r), json::parse(R"({"quotas": {"instances": 3, "volumes": -1}})"));
  const db::QuotaValues limits = env.quotas.limits(env.tenant_a, db::default_quota_limits());
  EXPECT_EQ(limits.instances, 3);
  EXPECT_EQ(limits.volumes, -1);
  EXPECT_EQ(limits.ram, -1) << "null is skipped";
  EXPECT_EQ(limits.backups, 50);
}

TEST(QuotaUpdate, OnlyAnAdminMayAndBadValuesChangeNothing) {
  ApiTestEnv env;
  env.quotas.known_tenants = {env.tenant_a, env.tenant_b, env.tenant_ops};
  const json body = {{"quotas", {{"instances", 100}}}};
  const Response member =
      env.call(Method::kPut, ApiTestEnv::url(env.tenant_a, "/mgmt/quotas/" + env.tenant_a),
               env.token_a, body.dump());
  EXPECT_EQ(member.status, 403) << member.body;
  EXPECT_EQ(body_of(member)["forbidden"]["message"], "only an admin token may change quotas");

  const struct {
    json body;
    const char* message;
  } bad[] = {
      {{{"quotas", {{"instances", -2}}}}, "quotas.instances must be an integer: -1 (unlimited)"},
      {{{"quotas", {{"instances", "5"}}}}, "quotas.instances must be an integer"},
      {{{"quotas", {{"instances", 1.5}}}}, "quotas.instances must be an integer"},
      {{{"quotas", {{"instances", 2147483648LL}}}}, "quotas.instances must be an integer"},
      // Read as an int64_t it would be -1 (unlimited).
      {{{"quotas", {{"instances", 18446744073709551615ULL}}}},
       "quotas.instances must be an integer"},
      {{{"quotas", {{"instances", 1}, {"cores", 4}}}},
       "quotas names 'cores', which is not a quota resource; the resources are instances, ram, "
       "volumes, backups"},
      {{{"quota", {{"instances", 1}}}}, "quotas is required"},
      {{{"quotas", 5}}, "quotas must be an object"},
  };
  for (const auto& c : bad) {
    SCOPED_TRACE(c.body.dump());
    const Response r = put_quotas(env, env.tenant_a, c.body, env.admin_token);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find(c.message), std::string::npos) << r.body;
  }
  EXPECT_EQ(env.quotas.limits(env.tenant_a, db::default_quota_limits()),
            db::default_quota_limits());
  const Response unknown = put_quotas(env, "no-such-tenant", body, env.admin_token);
  EXPECT_EQ(unknown.status, 404) << unknown.body;
}

TEST(QuotaUpdate, ThePublishedSchemaAdmitsExactlyTheQuotaResources) {
  // The schema refuses other names (and its message lists these).
  const json& quotas =
      openapi_document()["components"]["schemas"]["QuotaUpdateRequest"]["properties"]["quotas"];
  std::set<std::string> published;
  for (const auto& [name, schema] : quotas["properties"].items()) published.insert(name);
  EXPECT_EQ(published,
            std::set<std::string>(db::quota_resources().begin(), db::quota_resources().end()));
  EXPECT_EQ(quotas["additionalProperties"], false);
}

TEST(QuotaEnforcement, AnInstanceOverTheLimitIs413AndWritesNothing) {
  ApiTestEnv env;
  set_limit(env, "instances", 1);
  ASSERT_EQ(create_instance(env).status, 202);
  const size_t ops = env.operation_count();
  const size_t rows = env.instance_count();
  const std::string message = over_limit(create_instance(env));
  EXPECT_NE(message.find("instances would be 2 with this request (1 in use + 1 asked), over the "
                         "limit of 1 by 1"),
            std::string::npos)
      << message;
  EXPECT_EQ(env.operation_count(), ops);
  EXPECT_EQ(env.instance_count(), rows);
  EXPECT_TRUE(env.publisher.published().size() == 1u) << "only the first create was published";
  // Another tenant is not affected.
  EXPECT_EQ(env.call(Method::kPost, ApiTestEnv::url(env.tenant_b, "/instances"), env.token_b,
                     valid_create_body().dump())
                .status,
            202);
}

TEST(QuotaEnforcement, VolumesAndRamAreChargedToo) {
  ApiTestEnv env;
  set_limit(env, "volumes", 3);  // the body asks 2 GB
  ASSERT_EQ(create_instance(env).status, 202);
  std::string message = over_limit(create_instance(env));
  EXPECT_NE(message.find("volumes would be 4 GB"), std::string::npos) << message;
  EXPECT_NE(message.find("by 1 GB"), std::string::npos) << message;

  set_limit(env, "volumes", -1);
  set_limit(env, "ram", 1000);  // flavor 1 has 512 MB
  message = over_limit(create_instance(env));
  EXPECT_NE(message.find("ram would be 1024 MB"), std::string::npos) << message;
}

TEST(QuotaEnforcement, DeletedInstancesFreeTheirQuota) {
  ApiTestEnv env;
  set_limit(env, "instances", 1);
  const Response first = create_instance(env);
  ASSERT_EQ(first.status, 202);
  env.instances.mark_deleted(body_of(first)["instance"]["id"]);
  EXPECT_EQ(create_instance(env).status, 202);
}

TEST(QuotaEnforcement, ReplicasCountAsInstancesWithTheMastersVolume) {
  ApiTestEnv env;
  const std::string master = env.add_instance(env.tenant_a, "NONE", "RUNNING");  // 2 GB
  set_limit(env, "instances", 2);
  const json two = {{"instance", {{"name", "r"}, {"replica_of", master}, {"replica_count", "2"}}}};
  const Response r =
      env.call(Method::kPost, ApiTestEnv::url(env.tenant_a, "/instances"), env.token_a, two.dump());
  const std::string message = over_limit(r);
  EXPECT_NE(message.find("instances would be 3 with this request (1 in use + 2 asked)"),
            std::string::npos)
      << message;
  set_limit(env, "instances", 3);
  set_limit(env, "volumes", 5);
  const std::string volumes = over_limit(env.call(
      Method::kPost, ApiTestEnv::url(env.tenant_a, "/instances"), env.token_a, two.dump()));
  EXPECT_NE(volumes.find("volumes would be 6 GB with this request (2 GB in use + 4 GB asked)"),
            std::string::npos)
      << volumes;
  set_limit(env, "volumes", 6);
  EXPECT_EQ(
      env.call(Method::kPost, ApiTestEnv::url(env.tenant_a, "/instances"), env.token_a, two.dump())
          .status,
      202);
}

json cluster_body(int nodes, const json& size = 2) {
  json instances = json::array();
  for (int i = 0; i < nodes; ++i) {
    instances.push_back({{"flavorRef", "2"}, {"volume", {{"size", size}}}});
  }
  return {{"cluster",
           {{"name", "ring"},
            {"datastore", {{"type", "cassandra"}, {"version", "5.0"}}},
            {"instances", instances}}}};
}

TEST(QuotaEnforcement, EachClusterNodeIsAnInstance) {
  ClusterTestEnv env;
  set_limit(env, "instances", 3);
  const std::string message = over_limit(env.post("/clusters", cluster_body(4)));
  EXPECT_NE(message.find("instances would be 4 with this request (0 in use + 4 asked)"),
            std::string::npos)
      << message;
  EXPECT_TRUE(env.clusters.clusters.empty());
  EXPECT_EQ(env.instance_count(), 0u);
  set_limit(env, "volumes", 5);
  const std::string volumes = over_limit(env.post("/clusters", cluster_body(3)));
  EXPECT_NE(volumes.find("volumes would be 6 GB"), std::string::npos) << volumes;
  set_limit(env, "volumes", 6);
  EXPECT_EQ(env.post("/clusters", cluster_body(3)).status, 202);
}

TEST(QuotaEnforcement, GrowIsChargedAndAReplacementIsNot) {
  ClusterTestEnv env;
  const json cluster = env.create_cluster({"r1", "r1"});
  const std::string id = cluster["id"];
  env.make_active(id, testing::cassandra_detail());
  set_limit(env, "instances", 2);
  const std::string message = over_limit(
      env.post("/clusters/" + id + "/action", {{"grow", json::array({json::object()})}}));
  EXPECT_NE(message.find("instances would be 3"), std::string::npos) << message;
  EXPECT_EQ(env.clusters.find_any(id)->task, "NONE") << "the grow did not start";
  EXPECT_EQ(env.node_ids(id).size(), 2u);
  // A replacement stands in for a node already counted.
  const Response replace =
      env.post("/clusters/" + id + "/action", {{"replace_node", {{"id", env.node_ids(id)[0]}}}});
  EXPECT_EQ(replace.status, 202) << replace.body;
}

TEST(NumericStrings, SizesAndCountsAsStringsAreAcceptedAsTroveDoes) {
  ClusterTestEnv env;
  // `openstack database cluster create ... --instance flavor=m1.small,volume=1`
  json body = cluster_body(3, "1");
  body["cluster"]["instances"][0]["availability_zone"] = "rack1";
  Response r = env.post("/clusters", body);
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(body_of(r)["cluster"]["instances"][0]["volume"]["size"], 1);

  json instance = valid_create_body();
  instance["instance"]["volume"]["size"] = "3";
  instance["instance"]["flavorRef"] = 2;
  r = create_instance(env, instance);
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(body_of(r)["instance"]["volume"]["size"], 3);

  // A grow in the seed document's form, with its count as a string.
  const Response small = env.post("/clusters", cluster_body(1, "2"));
  ASSERT_EQ(small.status, 202) << small.body;
  const std::string id = body_of(small)["cluster"]["id"];
  env.make_active(id, testing::cassandra_detail());
  const Response grow = env.post("/clusters/" + id + "/nodes", {{"nodes", {{"num", "2"}}}});
  EXPECT_EQ(grow.status, 202) << grow.body;
  EXPECT_EQ(env.node_ids(id).size(), 3u);

  for (const json& bad : {json("three"), json(" 3"), json("+3"), json("3.0"), json("")}) {
    instance["instance"]["volume"]["size"] = bad;
    r = create_instance(env, instance);
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
    EXPECT_NE(r.body.find("instance.volume.size"), std::string::npos) << r.body;
  }
}

}  // namespace
}  // namespace automat::api
