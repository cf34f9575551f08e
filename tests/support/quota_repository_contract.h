#pragma once
// The promises of db::QuotaRepository (db/repositories.h) and of the quota
// charges the instance and cluster repositories take (db/quota.h), checked
// on any implementation: the PostgreSQL ones (db_integration_test) and
// the fakes (db_fakes_test) run the same checks.
//
// Every check works on tenants of its own (`fresh_tenant`), so the store
// may hold rows of other tests.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/crypto.h"
#include "common/error.h"
#include "db/quota.h"
#include "db/repositories.h"

namespace automat::testing {

struct QuotaContractWorld {
  db::QuotaRepository* quotas = nullptr;
  // The repositories that charge the quota, sharing the quotas' store.
  db::InstanceRepository* instances = nullptr;
  db::OperationRepository* operations = nullptr;
  db::ClusterRepository* clusters = nullptr;
  // A new tenant that exists, with no quota and nothing in use.
  std::function<std::string()> fresh_tenant;
  // A valid instance to copy (its tenant is replaced), volume 1 GB, of a
  // flavor of `flavor_ram_mb`.
  db::Instance model;
  int64_t flavor_ram_mb = 0;
};

namespace contract {

inline db::QuotaCharge instances_charge(int64_t count, int64_t volume_gb, int64_t instances_limit) {
  db::QuotaCharge c;
  c.delta.instances = count;
  c.delta.volumes = count * volume_gb;
  c.defaults.instances = instances_limit;
  return c;
}

inline db::Instance quota_instance(const QuotaContractWorld& w, const std::string& tenant_id,
                                   const std::string& name) {
  db::Instance i = w.model;
  i.id = common::crypto::uuid4();
  i.tenant_id = tenant_id;
  i.name = name;
  return i;
}

inline db::Operation quota_operation(const db::Instance& i, const std::string& type) {
  db::Operation op;
  op.id = common::crypto::uuid4();
  op.tenant_id = i.tenant_id;
  op.type = type;
  op.resource_type = "instance";
  op.resource_id = i.id;
  return op;
}

}  // namespace contract

// Limits are the tenant's own or the defaults; set_limits keeps the others
// and refuses unknown tenants, resources and limits out of range.
inline void check_quota_limits_contract(const QuotaContractWorld& w) {
  db::QuotaRepository& quotas = *w.quotas;
  const std::string tenant = w.fresh_tenant();
  const std::string other = w.fresh_tenant();
  const db::QuotaValues defaults{10, -1, 40, 50};
  EXPECT_EQ(quotas.limits(tenant, defaults), defaults);
  quotas.set_limits(tenant, {{"instances", 3}, {"ram", 4096}});
  quotas.set_limits(tenant, {{"instances", 4}});
  EXPECT_EQ(quotas.limits(tenant, defaults), (db::QuotaValues{4, 4096, 40, 50}));
  quotas.set_limits(tenant, {{"backups", -1}, {"volumes", 0}});
  EXPECT_EQ(quotas.limits(tenant, defaults), (db::QuotaValues{4, 4096, 0, -1}));
  EXPECT_EQ(quotas.limits(other, defaults), defaults) << "per tenant";

  const auto refused = [&](const std::string& tenant_id,
                           const std::vector<std::pair<std::string, int64_t>>& limits) {
    try {
      quotas.set_limits(tenant_id, limits);
      return 0;
    } catch (const common::Error& e) {
      return e.http_status();
    }
  };
  EXPECT_EQ(refused("no-such-tenant-" + common::crypto::random_hex(4), {{"instances", 1}}), 404);
  EXPECT_EQ(refused(tenant, {{"cores", 1}}), 400) << "an unknown resource";
  EXPECT_EQ(refused(tenant, {{"ram", -2}}), 400) << "below -1";
  EXPECT_EQ(refused(tenant, {{"ram", db::kMaxQuotaLimit + 1}}), 400) << "above the maximum";
  EXPECT_EQ(refused(tenant, {{"instances", 1}, {"cores", 1}}), 400);
  EXPECT_EQ(quotas.limits(tenant, defaults), (db::QuotaValues{4, 4096, 0, -1}))
      << "a refused set writes nothing";
}

// What a tenant uses: its live instances, their volumes and flavors' RAM.
inline void check_quota_usage_contract(const QuotaContractWorld& w) {
  const std::string tenant = w.fresh_tenant();
  const std::string other = w.fresh_tenant();
  db::Instance a = contract::quota_instance(w, tenant, "a");
  a.volume_size_gb = 3;
  w.instances->create_with_operation(a, contract::quota_operation(a, "instance.create"));
  db::Instance b = contract::quota_instance(w, tenant, "b");
  w.instances->create_with_operation(b, contract::quota_operation(b, "instance.create"));
  db::Instance gone = contract::quota_instance(w, tenant, "gone");
  w.instances->create_with_operation(gone, contract::quota_operation(gone, "instance.create"));
  w.instances->mark_deleted(gone.id);
  EXPECT_EQ(w.quotas->in_use(tenant), (db::QuotaValues{2, 2 * w.flavor_ram_mb, 4, 0}));
  EXPECT_EQ(w.quotas->in_use(other), db::QuotaValues{});
}

// A create over the limit writes nothing; the tenant's own limit wins over
// the default; concurrent creates never pass the limit.
inline void check_quota_charge_contract(const QuotaContractWorld& w) {
  using contract::instances_charge;
  db::InstanceRepository& instances = *w.instances;
  const std::string tenant = w.fresh_tenant();
  db::Instance first = contract::quota_instance(w, tenant, "first");
  instances.create_with_operation(first, contract::quota_operation(first, "instance.create"),
                                  instances_charge(1, 1, 1));
  db::Instance second = contract::quota_instance(w, tenant, "second");
  const db::Operation op = contract::quota_operation(second, "instance.create");
  try {
    instances.create_with_operation(second, op, instances_charge(1, 1, 1));
    ADD_FAILURE() << "a second instance fitted a quota of 1";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.http_status(), 413);
    EXPECT_EQ(e.code(), common::ErrorCode::kOverLimit);
    EXPECT_NE(std::string(e.what()).find("over the limit of 1 by 1"), std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(instances.find_any(second.id));
  EXPECT_FALSE(w.operations->find_any(op.id)) << "nor its operation";
  w.quotas->set_limits(tenant, {{"instances", 2}});
  EXPECT_NO_THROW(instances.create_with_operation(second, op, instances_charge(1, 1, 1)))
      << "the tenant's own limit wins over the default";
  EXPECT_TRUE(instances.find_any(second.id));

  // Many creates of one tenant at once, each charged one instance against
  // a limit of kLimit: exactly kLimit win, the rest get 413.
  const std::string racing = w.fresh_tenant();
  constexpr int kLimit = 3;
  constexpr int kThreads = 12;
  std::atomic<int> created{0}, refused{0}, other{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      db::Instance in = contract::quota_instance(w, racing, "racer-" + std::to_string(i));
      const db::Operation create = contract::quota_operation(in, "instance.create");
      while (!go.load()) std::this_thread::yield();
      try {
        instances.create_with_operation(in, create, instances_charge(1, 1, kLimit));
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
  EXPECT_EQ(instances.list(racing).size(), static_cast<size_t>(kLimit));
  EXPECT_EQ(w.quotas->in_use(racing).instances, kLimit);
}

// Instances, replicas and cluster nodes racing for one volume quota.
inline void check_quota_shared_charge_contract(const QuotaContractWorld& w) {
  using contract::instances_charge;
  const std::string tenant = w.fresh_tenant();
  db::Instance master = contract::quota_instance(w, tenant, "master");
  w.instances->create_with_operation(master, contract::quota_operation(master, "instance.create"));
  w.instances->set_task(master.id, "NONE");
  // 1 GB in use; 4 GB more fit. Each racer asks 2 GB.
  w.quotas->set_limits(tenant, {{"volumes", 5}, {"instances", -1}});
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
      db::Instance in = contract::quota_instance(w, tenant, "single-" + std::to_string(i));
      in.volume_size_gb = 2;
      w.instances->create_with_operation(in, contract::quota_operation(in, "instance.create"),
                                         instances_charge(1, 2, -1));
    }));
    threads.push_back(run([&, i] {
      std::vector<std::pair<db::Instance, db::Operation>> batch;
      for (int k = 0; k < 2; ++k) {
        db::Instance r = contract::quota_instance(
            w, tenant, "replica-" + std::to_string(i) + "-" + std::to_string(k));
        batch.emplace_back(r, contract::quota_operation(r, "instance.create"));
      }
      if (!w.instances->create_replicas(master.id, batch, instances_charge(2, 1, -1))) {
        throw std::runtime_error("the master was not idle");
      }
    }));
    threads.push_back(run([&, i] {
      db::Cluster c;
      c.id = common::crypto::uuid4();
      c.tenant_id = tenant;
      c.name = "ring-" + std::to_string(i);
      c.datastore_version_id = w.model.datastore_version_id;
      for (int k = 1; k <= 2; ++k) {
        db::Node n;
        n.instance_id = common::crypto::uuid4();
        n.ordinal = k;
        n.instance = contract::quota_instance(w, tenant, c.name + "-" + std::to_string(k));
        n.instance.id = n.instance_id;
        n.instance.cluster_id = c.id;
        c.nodes.push_back(n);
      }
      db::Operation op = contract::quota_operation(c.nodes.front().instance, "cluster.create");
      op.resource_type = "cluster";
      op.resource_id = c.id;
      w.clusters->create_with_operation(c, op, instances_charge(2, 1, -1));
    }));
  }
  go = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(created.load(), 2) << "two creates of 2 GB fit in the 4 GB left";
  EXPECT_EQ(refused.load(), 7);
  EXPECT_EQ(w.quotas->in_use(tenant).volumes, 5);
}

}  // namespace automat::testing
