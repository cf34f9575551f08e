// Quotas on the real PostgreSQL of AUTOMAT_TEST_DATABASE_URL: the quota
// repository's limits and usage, and creates charged under the tenant's
// quota row lock -- concurrent creates (instances, replicas, clusters, and
// whole API requests) never end above a limit. Also the rows behind the view
// fields Trove's clients read.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "api/router.h"
#include "common/crypto.h"
#include "common/error.h"
#include "datastores/api_registry.h"
#include "db/pg_cluster_repository.h"
#include "db/pg_quota_repository.h"
#include "db/pg_repositories.h"
#include "tests/fakes/fake_broker.h"
#include "tests/integration/db_seed.h"

namespace automat::testing {
namespace {

using nlohmann::json;

db::QuotaCharge instances_charge(int64_t count, int64_t volume_gb, int64_t instances_limit) {
  db::QuotaCharge c;
  c.delta.instances = count;
  c.delta.volumes = count * volume_gb;
  c.defaults.instances = instances_limit;
  return c;
}

int64_t live_instances(const std::string& tenant_id) {
  return PgTestDb::get()
      .query("SELECT count(*) FROM instances WHERE tenant_id = '" + tenant_id +
             "' AND NOT deleted")[0][0]
      .as<int64_t>();
}

TEST(PgQuotas, LimitsAreTheTenantsOwnOrTheDefaults) {
  auto& pool = PgTestDb::get().pool();
  const Seed s = seed_catalog(pool);
  db::PgQuotaRepository quotas(pool);
  const db::QuotaValues defaults{10, -1, 40, 50};
  EXPECT_EQ(quotas.limits(s.tenant_id, defaults), defaults);
  quotas.set_limits(s.tenant_id, {{"instances", 3}, {"ram", 4096}});
  quotas.set_limits(s.tenant_id, {{"instances", 4}});
  EXPECT_EQ(quotas.limits(s.tenant_id, defaults), (db::QuotaValues{4, 4096, 40, 50}));
  EXPECT_EQ(quotas.limits(s.other_tenant_id, defaults), defaults) << "per tenant";
  try {
    quotas.set_limits("no-such-tenant", {{"instances", 1}});
    FAIL() << "set a quota on a tenant that does not exist";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.http_status(), 404);
  }
  EXPECT_THROW(quotas.set_limits(s.tenant_id, {{"cores", 1}}), common::Error);
  EXPECT_THROW(quotas.set_limits(s.tenant_id, {{"ram", -2}}), common::Error);
}

TEST(PgQuotas, UsageCountsEveryLiveInstanceWithItsVolumeAndFlavorRam) {
  auto& pool = PgTestDb::get().pool();
  const Seed s = seed_catalog(pool);  // flavor 1: 512 MB
  db::PgInstanceRepository instances(pool);
  db::PgQuotaRepository quotas(pool);
  db::Instance a = new_instance(s, "a");
  a.volume_size_gb = 3;
  instances.create_with_operation(a, new_operation(a, "instance.create"));
  db::Instance b = new_instance(s, "b");
  instances.create_with_operation(b, new_operation(b, "instance.create"));
  db::Instance gone = new_instance(s, "gone");
  instances.create_with_operation(gone, new_operation(gone, "instance.create"));
  instances.mark_deleted(gone.id);
  EXPECT_EQ(quotas.in_use(s.tenant_id), (db::QuotaValues{2, 1024, 4, 0}));
  EXPECT_EQ(quotas.in_use(s.other_tenant_id), db::QuotaValues{});
}

TEST(PgQuotas, ACreateOverTheLimitWritesNothing) {
  auto& pool = PgTestDb::get().pool();
  const Seed s = seed_catalog(pool);
  db::PgInstanceRepository instances(pool);
  db::Instance first = new_instance(s, "first");
  instances.create_with_operation(first, new_operation(first, "instance.create"),
                                  instances_charge(1, 1, 1));
  db::Instance second = new_instance(s, "second");
  const db::Operation op = new_operation(second, "instance.create");
  try {
    instances.create_with_operation(second, op, instances_charge(1, 1, 1));
    FAIL() << "a second instance fitted a quota of 1";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.http_status(), 413);
    EXPECT_NE(std::string(e.what()).find("over the limit of 1 by 1"), std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(instances.find_any(second.id));
  EXPECT_EQ(PgTestDb::get()
                .query("SELECT count(*) FROM operations WHERE id = '" + op.id + "'")[0][0]
                .as<int>(),
            0);
  // The tenant's own limit wins over the default.
  db::PgQuotaRepository(pool).set_limits(s.tenant_id, {{"instances", 2}});
  EXPECT_NO_THROW(instances.create_with_operation(second, op, instances_charge(1, 1, 1)));
}

// Many creates of one tenant at once, each charged one instance against a
// limit of kLimit: exactly kLimit win, the rest get 413, and the table
// never holds more than the limit.
TEST(PgQuotas, ConcurrentCreatesNeverPassTheLimit) {
  auto& pool = PgTestDb::get().pool();
  const Seed s = seed_catalog(pool);
  constexpr int kLimit = 3;
  constexpr int kThreads = 12;
  std::atomic<int> created{0}, refused{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      db::PgInstanceRepository instances(pool);
      db::Instance in = new_instance(s, "racer-" + std::to_string(i));
      const db::Operation op = new_operation(in, "instance.create");
      while (!go.load()) std::this_thread::yield();
      try {
        instances.create_with_operation(in, op, instances_charge(1, 1, kLimit));
        ++created;
      } catch (const common::Error& e) {
        (e.http_status() == 413 ? refused : other)++;
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), kLimit);
  EXPECT_EQ(refused.load(), kThreads - kLimit);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(live_instances(s.tenant_id), kLimit);
}

// Instances, replicas and cluster nodes racing for one volume quota.
TEST(PgQuotas, ConcurrentInstanceReplicaAndClusterCreatesShareOneQuota) {
  auto& pool = PgTestDb::get().pool();
  const Seed s = seed_catalog(pool);
  db::PgInstanceRepository instances(pool);
  db::Instance master = new_instance(s, "master");
  instances.create_with_operation(master, new_operation(master, "instance.create"));
  instances.set_task(master.id, "NONE");
  // 1 GB in use; 4 GB more fit. Each racer asks 2 GB.
  db::PgQuotaRepository(pool).set_limits(s.tenant_id, {{"volumes", 5}, {"instances", -1}});
  std::atomic<int> created{0}, refused{0}, other{0};
  std::atomic<bool> go{false};
  auto run = [&](auto create) {
    return std::thread([&, create] {
      while (!go.load()) std::this_thread::yield();
      try {
        create();
        ++created;
      } catch (const common::Error& e) {
        (e.http_status() == 413 ? refused : other)++;
      }
    });
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.push_back(run([&, i] {
      db::PgInstanceRepository repo(pool);
      db::Instance in = new_instance(s, "single-" + std::to_string(i));
      in.volume_size_gb = 2;
      repo.create_with_operation(in, new_operation(in, "instance.create"),
                                 instances_charge(1, 2, -1));
    }));
    threads.push_back(run([&, i] {
      db::PgInstanceRepository repo(pool);
      std::vector<std::pair<db::Instance, db::Operation>> batch;
      for (int k = 0; k < 2; ++k) {
        db::Instance r = new_instance(s, "replica-" + std::to_string(i) + "-" + std::to_string(k));
        batch.emplace_back(r, new_operation(r, "instance.create"));
      }
      if (!repo.create_replicas(master.id, batch, instances_charge(2, 1, -1))) {
        throw std::runtime_error("the master was not idle");
      }
    }));
    threads.push_back(run([&, i] {
      db::PgClusterRepository repo(pool);
      db::Cluster c;
      c.id = common::crypto::uuid4();
      c.tenant_id = s.tenant_id;
      c.name = "ring-" + std::to_string(i);
      c.datastore_version_id = s.version_id;
      for (int k = 1; k <= 2; ++k) {
        db::Node n;
        n.instance_id = common::crypto::uuid4();
        n.ordinal = k;
        n.instance = new_instance(s, c.name + "-" + std::to_string(k));
        n.instance.id = n.instance_id;
        c.nodes.push_back(n);
      }
      db::Operation op = new_operation(c.nodes.front().instance, "cluster.create");
      op.resource_type = "cluster";
      op.resource_id = c.id;
      repo.create_with_operation(c, op, instances_charge(2, 1, -1));
    }));
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(created.load(), 2) << "two creates of 2 GB fit in the 4 GB left";
  EXPECT_EQ(refused.load(), 7);
  const auto used = db::PgQuotaRepository(pool).in_use(s.tenant_id);
  EXPECT_EQ(used.volumes, 5);
}

// The whole API path: concurrent POST /instances through the Router on the
// Pg repositories; the tenant's limit holds and the losers get 413 overLimit.
TEST(PgQuotas, ConcurrentApiCreatesAnswer202UpToTheLimitThen413) {
  auto& pool = PgTestDb::get().pool();
  const Seed s = seed_catalog(pool);
  db::PgTokenRepository tokens(pool);
  db::PgCatalogRepository catalog(pool);
  db::PgInstanceRepository instances(pool);
  db::PgOperationRepository operations(pool);
  db::PgQuotaRepository quotas(pool);
  FakePublisher publisher;
  common::SystemClock clock;
  api::ApiServices services{&tokens,
                            &catalog,
                            &instances,
                            &operations,
                            &publisher,
                            &clock,
                            &datastores::api_strategy,
                            api::ApiLimits{}};
  services.quotas = &quotas;
  services.quota_defaults.instances = 2;
  api::Router router(services, "http://127.0.0.1");
  const std::string token = common::crypto::random_hex(24);
  tokens.add_token(common::crypto::sha256_hex(token), s.tenant_id, {"member"});
  constexpr int kRequests = 8;
  std::vector<int> statuses(kRequests);
  std::vector<std::string> bodies(kRequests);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kRequests; ++i) {
    threads.emplace_back([&, i] {
      api::Request req;
      req.method = api::Method::kPost;
      req.target = "/v1.0/" + s.tenant_id + "/instances";
      req.auth_token = token;
      req.body = json{{"instance",
                       {{"name", "api-" + std::to_string(i)},
                        {"flavorRef", "1"},
                        {"volume", {{"size", "1"}}}}}}
                     .dump();
      while (!go.load()) std::this_thread::yield();
      const api::Response r = router.handle(req);
      statuses[i] = r.status;
      bodies[i] = r.body;
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  int accepted = 0;
  for (int i = 0; i < kRequests; ++i) {
    if (statuses[i] == 202) {
      ++accepted;
    } else {
      EXPECT_EQ(statuses[i], 413) << bodies[i];
      EXPECT_NE(bodies[i].find("overLimit"), std::string::npos) << bodies[i];
      EXPECT_NE(bodies[i].find("over the limit of 2 by 1"), std::string::npos) << bodies[i];
    }
  }
  EXPECT_EQ(accepted, 2);
  EXPECT_EQ(live_instances(s.tenant_id), 2);
  EXPECT_EQ(publisher.published().size(), 2u);
}

TEST(PgTroveFields, FaultTimeStatusTimeAndPackagesAreRead) {
  auto& pool = PgTestDb::get().pool();
  const Seed s = seed_catalog(pool);
  db::PgInstanceRepository instances(pool);
  db::Instance in = new_instance(s);
  instances.create_with_operation(in, new_operation(in, "instance.create"));
  auto read = *instances.find(s.tenant_id, in.id);
  EXPECT_FALSE(read.fault_created);
  ASSERT_TRUE(read.service_status_updated) << "the NEW status has a time";
  instances.set_fault(in.id, "the guest did not start");
  read = *instances.find(s.tenant_id, in.id);
  ASSERT_TRUE(read.fault_created);
  EXPECT_EQ(read.fault_created->size(), 20u) << *read.fault_created;  // 2026-11-22T10:00:00Z
  instances.set_fault(in.id, std::nullopt);
  EXPECT_FALSE(instances.find(s.tenant_id, in.id)->fault_created);

  db::PgCatalogRepository catalog(pool);
  db::DatastoreVersion v = *catalog.find_version_by_id(s.version_id);
  v.packages = "mariadb-server";
  catalog.register_version("mysql", v, true);
  EXPECT_EQ(catalog.find_version_by_id(s.version_id)->packages, "mariadb-server");
}

}  // namespace
}  // namespace automat::testing
