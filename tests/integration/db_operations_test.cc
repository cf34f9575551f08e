// Operations: claim and lease semantics, takeover after a lapsed lease,
// progress only by the holder, resumable scan, finish.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/integration/db_seed.h"
#include "tests/support/operation_repository_contract.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;

struct Created {
  db::Instance instance;
  db::Operation op;
};

Created create(PgTestDb& db) {
  const Seed s = seed_catalog(db.pool());
  db::PgInstanceRepository instances(db.pool());
  Created c{new_instance(s), {}};
  c.op = new_operation(c.instance, "instance.create");
  instances.create_with_operation(c.instance, c.op);
  return c;
}

// The same contract the fakes pass (db_fakes_test).
TEST(DbOperations, KeepsTheOperationRepositoryContract) {
  auto& db = PgTestDb::get();
  const Seed s = seed_catalog(db.pool());
  db::PgInstanceRepository instances(db.pool());
  db::PgOperationRepository ops(db.pool());
  check_operation_repository_contract(instances, ops, new_instance(s), s.other_tenant_id);
}

TEST(DbInstances, KeepsTheInstanceWritesContract) {
  auto& db = PgTestDb::get();
  const Seed s = seed_catalog(db.pool());
  db::PgCatalogRepository(db.pool()).upsert_flavor({"2", "m1.small", 1024, 1, 10});
  db::PgInstanceRepository instances(db.pool());
  check_instance_writes_contract(instances, new_instance(s), s.other_tenant_id, "2");
}

TEST(DbInstances, KeepsTheChargedStartContract) {
  auto& db = PgTestDb::get();
  const Seed s = seed_catalog(db.pool());
  db::PgInstanceRepository instances(db.pool());
  check_charged_start_contract(instances, new_instance(s));
}

TEST(DbOperations, SecondOwnerTakesOverOnlyAfterTheLeaseLapses) {
  auto& db = PgTestDb::get();
  db::PgOperationRepository ops(db.pool());
  const Created c = create(db);

  auto claimed = ops.claim(c.op.id, "tm-a", 1s);
  ASSERT_TRUE(claimed);
  EXPECT_EQ(claimed->state, "RUNNING");
  EXPECT_EQ(claimed->owner, "tm-a");
  EXPECT_TRUE(claimed->started);
  EXPECT_FALSE(ops.claim(c.op.id, "tm-b", 1s)) << "tm-a holds the lease";
  EXPECT_TRUE(ops.save_progress(c.op.id, "tm-a", 1, "allocate", 0.25, "allocating"));

  const auto deadline = std::chrono::steady_clock::now() + 10s;
  std::optional<db::Operation> taken;
  while (!taken && std::chrono::steady_clock::now() < deadline) {
    taken = ops.claim(c.op.id, "tm-b", 30s);
    if (!taken) std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(taken) << "the 1 s lease never lapsed";
  EXPECT_EQ(taken->owner, "tm-b");
  EXPECT_EQ(taken->step, 1) << "the cursor survives the takeover";
  EXPECT_EQ(taken->step_name, "allocate");
  EXPECT_EQ(taken->started, claimed->started);

  EXPECT_FALSE(ops.renew_lease(c.op.id, "tm-a", 30s)) << "tm-a lost it";
  EXPECT_FALSE(ops.save_progress(c.op.id, "tm-a", 2, "x", 0.5, "stale writer"));
  EXPECT_FALSE(ops.save_record(c.op.id, "tm-a", {{"stale", true}}, {{"stale", true}}))
      << "nor its input and checkpoint";
  EXPECT_FALSE(ops.find_any(c.op.id)->input.contains("stale"));
  EXPECT_FALSE(ops.find_any(c.op.id)->checkpoint.contains("stale"));
  EXPECT_TRUE(ops.renew_lease(c.op.id, "tm-b", 30s));
  EXPECT_FALSE(ops.claim(c.op.id, "tm-a", 30s));
  EXPECT_TRUE(ops.claim(c.op.id, "tm-b", 30s)) << "the holder may reclaim";
  EXPECT_EQ(ops.find_any(c.op.id)->message, "allocating");
}

TEST(DbOperations, ConcurrentClaimsHaveOneWinner) {
  auto& db = PgTestDb::get();
  db::PgOperationRepository ops(db.pool());
  const Created c = create(db);
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      if (ops.claim(c.op.id, "tm-" + std::to_string(i), 30s)) ++winners;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(winners.load(), 1);
}

TEST(DbOperations, ResumableListsLapsedAndLongUnclaimed) {
  auto& db = PgTestDb::get();
  db::PgOperationRepository ops(db.pool());
  const Created fresh = create(db);
  const Created old = create(db);
  const Created running = create(db);
  const Created lapsed = create(db);
  db.query("UPDATE operations SET created = now() - interval '1 hour' WHERE id = '" + old.op.id +
           "'");
  ASSERT_TRUE(ops.claim(running.op.id, "tm-a", 300s));
  ASSERT_TRUE(ops.claim(lapsed.op.id, "tm-a", 300s));
  db.query("UPDATE operations SET lease_until = now() - interval '1 second' WHERE id = '" +
           lapsed.op.id + "'");

  auto ids = ops.list_resumable(60s, 1000);
  auto has = [&](const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  };
  EXPECT_TRUE(has(old.op.id));
  EXPECT_TRUE(has(lapsed.op.id));
  EXPECT_FALSE(has(fresh.op.id)) << "still within the unclaimed grace";
  EXPECT_FALSE(has(running.op.id)) << "its lease is live";
  EXPECT_LT(std::find(ids.begin(), ids.end(), old.op.id),
            std::find(ids.begin(), ids.end(), lapsed.op.id))
      << "oldest first";
  EXPECT_EQ(ops.list_resumable(60s, 1).size(), 1u);
}

TEST(DbOperations, FinishRecordsOutcomeAndClearsOwner) {
  auto& db = PgTestDb::get();
  db::PgOperationRepository ops(db.pool());
  const Created ok = create(db);
  const Created bad = create(db);
  ASSERT_TRUE(ops.claim(ok.op.id, "tm-a", 30s));
  ASSERT_TRUE(ops.claim(bad.op.id, "tm-a", 30s));

  ops.finish(ok.op.id, "tm-x", "COMPLETED", {}, "not the owner");
  EXPECT_EQ(ops.find_any(ok.op.id)->state, "RUNNING") << "only the holder finishes";
  ops.finish(ok.op.id, "tm-a", "COMPLETED", {}, "done");
  auto done = ops.find_any(ok.op.id);
  EXPECT_EQ(done->state, "COMPLETED");
  EXPECT_DOUBLE_EQ(done->progress, 1.0);
  EXPECT_FALSE(done->owner);
  EXPECT_TRUE(done->finished);
  EXPECT_FALSE(ops.claim(ok.op.id, "tm-a", 30s)) << "finished operations stay finished";
  const auto resumable = ops.list_resumable(0s, 1000);
  EXPECT_EQ(std::find(resumable.begin(), resumable.end(), ok.op.id), resumable.end());

  ops.finish(bad.op.id, "tm-a", "FAILED", {{"127.10.0.3", "mariadbd did not start"}},
             "prepare failed");
  auto failed = ops.find_any(bad.op.id);
  EXPECT_EQ(failed->state, "FAILED");
  ASSERT_EQ(failed->errors.size(), 1u);
  EXPECT_EQ(failed->errors[0].host, "127.10.0.3");
  EXPECT_EQ(failed->errors[0].message, "mariadbd did not start");
  EXPECT_EQ(failed->message, "prepare failed");
}

TEST(DbOperations, SaveRecordScrubsSecretsAndKeepsTheCheckpoint) {
  auto& db = PgTestDb::get();
  db::PgOperationRepository ops(db.pool());
  Created c = create(db);
  const nlohmann::json input = {{"users", {{{"name", "app"}}}}};
  const nlohmann::json checkpoint = {{"prepared", true}};
  EXPECT_FALSE(ops.save_record(c.op.id, "tm-a", input, checkpoint)) << "not claimed yet";
  ASSERT_TRUE(ops.claim(c.op.id, "tm-a", 30s));
  EXPECT_TRUE(ops.save_record(c.op.id, "tm-a", input, checkpoint));
  EXPECT_EQ(ops.find_any(c.op.id)->input, input);
  EXPECT_EQ(ops.find_any(c.op.id)->checkpoint, checkpoint);
}

}  // namespace
}  // namespace automat::testing
