// The clusters API in-process (Router and handlers) over the real
// PostgreSQL repositories of AUTOMAT_TEST_DATABASE_URL: what the handlers
// read back from PgClusterRepository and PgInstanceRepository, shrink checks
// fed from heartbeat details the conductor stored, and one action at a time
// under concurrent requests. The broker is the in-memory fake.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "api/router.h"
#include "common/crypto.h"
#include "datastores/api_registry.h"
#include "datastores/cassandra/common_node_report.h"
#include "db/pg_cluster_repository.h"
#include "db/pg_repositories.h"
#include "tests/fakes/fake_broker.h"
#include "tests/integration/db_seed.h"

namespace automat::testing {
namespace {

using nlohmann::json;

struct PgApiEnv {
  db::PgTokenRepository tokens{PgTestDb::get().pool()};
  db::PgCatalogRepository catalog{PgTestDb::get().pool()};
  db::PgInstanceRepository instances{PgTestDb::get().pool()};
  db::PgOperationRepository operations{PgTestDb::get().pool()};
  db::PgClusterRepository clusters{PgTestDb::get().pool()};
  db::PgHeartbeatRepository heartbeats{PgTestDb::get().pool()};
  FakePublisher publisher;
  common::SystemClock clock;
  api::ApiServices services;
  std::unique_ptr<api::Router> router;
  Seed seed;
  std::string token_a = common::crypto::random_hex(24);
  std::string token_b = common::crypto::random_hex(24);

  PgApiEnv() {
    seed = seed_catalog(PgTestDb::get().pool());
    tokens.add_token(common::crypto::sha256_hex(token_a), seed.tenant_id, {"member"});
    tokens.add_token(common::crypto::sha256_hex(token_b), seed.other_tenant_id, {"member"});
    catalog.upsert_flavor({"2", "m1.small", 1024, 1, 10});
    db::DatastoreVersion v;
    v.name = "5.0";
    v.manager = "cassandra";
    v.enabled_cluster = true;
    catalog.register_version("cassandra", v, true);
    services = api::ApiServices{&tokens,
                                &catalog,
                                &instances,
                                &operations,
                                &publisher,
                                &clock,
                                &datastores::api_strategy,
                                api::ApiLimits{}};
    services.clusters = &clusters;
    services.cluster_strategies = &datastores::cluster_strategy;
    router = std::make_unique<api::Router>(services, "http://127.0.0.1");
  }

  api::Response call(api::Method m, const std::string& path, const json& body = nullptr,
                     const std::string& token = "") {
    api::Request req;
    req.method = m;
    req.target = "/v1.0/" + (token == token_b ? seed.other_tenant_id : seed.tenant_id) + path;
    req.auth_token = token.empty() ? token_a : token;
    req.body = body.is_null() ? "" : body.dump();
    return router->handle(req);
  }

  // A cluster created through the API, then made ACTIVE and idle with its
  // nodes RUNNING and reporting `detail` through the heartbeat repository.
  json active_cluster(const std::vector<std::string>& racks, const json& detail) {
    json nodes = json::array();
    for (const auto& r : racks) {
      nodes.push_back({{"flavorRef", "2"}, {"volume", {{"size", 1}}}, {"availability_zone", r}});
    }
    const api::Response r =
        call(api::Method::kPost, "/clusters",
             {{"cluster",
               {{"name", "ring"}, {"datastore", {{"type", "cassandra"}}}, {"instances", nodes}}}});
    if (r.status != 202) throw std::runtime_error(r.body);
    const json view = json::parse(r.body)["cluster"];
    clusters.set_task(view["id"], "NONE");
    clusters.set_status(view["id"], "ACTIVE");
    std::vector<db::HeartbeatRecord> beats;
    for (const auto& n : view["instances"]) {
      instances.set_task(n["id"], "NONE");
      beats.push_back({n["id"], "heartbeat", 1, "RUNNING", detail});
    }
    heartbeats.record_batch(beats);
    return view;
  }
};

// The stored detail of a node reporting keyspace "ks" with factor `rf`.
json detail_with_rf(const std::string& rf) {
  proto::cassandra::NodeReport report;
  report.mutable_ring();
  auto* ks = report.mutable_keyspaces()->add_keyspaces();
  ks->set_name("ks");
  ks->set_strategy("SimpleStrategy");
  (*ks->mutable_replication())["replication_factor"] = rf;
  report.set_load_bytes(100);
  report.set_free_disk_bytes(1000);
  return datastores::cassandra::stored_detail(report);
}

TEST(ClustersApiOnPg, CreateShowAndNodesAsInstances) {
  PgApiEnv env;
  const json view = env.active_cluster({"r1", "r2", "r1"}, detail_with_rf("1"));
  const std::string id = view["id"];
  EXPECT_EQ(view["task"]["name"], "BUILDING") << "as answered by the create";

  const api::Response shown = env.call(api::Method::kGet, "/clusters/" + id);
  ASSERT_EQ(shown.status, 200) << shown.body;
  const json cluster = json::parse(shown.body)["cluster"];
  EXPECT_EQ(cluster["status"], "ACTIVE");
  EXPECT_EQ(cluster["datastore"], json({{"type", "cassandra"}, {"version", "5.0"}}));
  ASSERT_EQ(cluster["instances"].size(), 3u);
  EXPECT_EQ(cluster["instances"][0]["status"], "ACTIVE");
  EXPECT_EQ(cluster["instances"][1]["rack"], "r2");
  EXPECT_TRUE(cluster["instances"][1]["seed"]);
  EXPECT_FALSE(cluster["instances"][2]["seed"]);
  EXPECT_EQ(env.call(api::Method::kGet, "/clusters/" + id, nullptr, env.token_b).status, 404);

  const std::string node = cluster["instances"][2]["id"];
  const api::Response inst = env.call(api::Method::kGet, "/instances/" + node);
  ASSERT_EQ(inst.status, 200);
  EXPECT_EQ(json::parse(inst.body)["instance"]["cluster_id"], id);
  const api::Response del = env.call(api::Method::kDelete, "/instances/" + node);
  EXPECT_EQ(del.status, 400) << del.body;
  EXPECT_NE(del.body.find("shrink the cluster instead"), std::string::npos);
}

TEST(ClustersApiOnPg, ShrinkIsCheckedAgainstStoredHeartbeatDetails) {
  PgApiEnv env;
  const json view = env.active_cluster({"r1", "r1", "r1"}, detail_with_rf("3"));
  const std::string id = view["id"];
  const std::string leaving = view["instances"][2]["id"];
  api::Response r = env.call(api::Method::kDelete, "/clusters/" + id + "/nodes/" + leaving);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("replication factor 3 of keyspace 'ks'"), std::string::npos) << r.body;

  std::vector<db::HeartbeatRecord> beats;
  for (const auto& n : view["instances"]) {
    beats.push_back({n["id"], "heartbeat", 2, "RUNNING", detail_with_rf("2")});
  }
  env.heartbeats.record_batch(beats);
  r = env.call(api::Method::kDelete, "/clusters/" + id + "/nodes/" + leaving);
  ASSERT_EQ(r.status, 202) << r.body;
  const auto op = env.operations.find(env.seed.tenant_id, r.operation_id);
  ASSERT_TRUE(op);
  EXPECT_EQ(op->type, "cluster.shrink");
  EXPECT_EQ(op->input, json({{"instance_ids", {leaving}}}));
  EXPECT_EQ(env.clusters.find_any(id)->task, "SHRINKING");
}

TEST(ClustersApiOnPg, ConcurrentActionsExactlyOneStarts) {
  PgApiEnv env;
  const json view = env.active_cluster({"r1", "r1", "r1", "r1"}, detail_with_rf("1"));
  const std::string id = view["id"];
  std::atomic<int> accepted{0}, busy{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      const api::Response r =
          t % 2 ? env.call(api::Method::kPost, "/clusters/" + id, {{"grow", {json::object()}}})
                : env.call(api::Method::kDelete, "/clusters/" + id);
      (r.status == 202 ? accepted : r.status == 422 ? busy : other)++;
    });
  }
  go = true;
  for (auto& th : threads) th.join();
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(busy.load(), 5);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(PgTestDb::get()
                .query("SELECT count(*) FROM operations WHERE resource_id = '" + id +
                       "' AND type <> 'cluster.create'")[0][0]
                .as<int>(),
            1);
}

}  // namespace
}  // namespace automat::testing
