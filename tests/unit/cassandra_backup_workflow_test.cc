// A Cassandra cluster backup's snapshot and clear phases
// (workflow_cassandra_backup.h) on an ACTIVE 3-node ring (n1 r1 seed, n2 r2
// seed, n3 r1), each a node phase of guest jobs (StartSnapshot,
// StartClearSnapshot), against fake guests; a failing backup through the
// real OperationRunner.
#include <gtest/gtest.h>

#include <algorithm>

#include "datastores/cassandra/workflow_cassandra_backup.h"
#include "datastores/cassandra/workflow_cassandra_nodes.h"
#include "db/cluster_backup.h"
#include "taskmanager/guest_job.h"
#include "tests/fakes/fake_backup_repository.h"
#include "tests/unit/cassandra_ring_world.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;
using datastores::cassandra::NodeMark;
using Outcome = taskmanager::OperationRunner::Outcome;
using nlohmann::json;
using taskmanager::StepResult;

const std::vector<std::string> kNodes = {"n1", "n2", "n3"};
constexpr size_t kSnapshotStep = 0;  // add_cluster_backup_steps' order
constexpr size_t kClearStep = 2;

class CassandraBackupWorkflowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    backups.clusters = &w.clusters;
    w.world.services.backups = &backups;
    const auto op = w.create_cluster(
        {w.node("n1", "r1", true, 1), w.node("n2", "r2", true, 2), w.node("n3", "r1", false, 3)});
    ASSERT_EQ(w.run(op.id), Outcome::kCompleted);
    auto ok = [](FakeGuest&, const json&) { return json::object(); };
    for (const auto& id : kNodes) {
      w.world.guests.guest(id).actions["snapshot"] = ok;
      w.world.guests.guest(id).actions["clear_snapshot"] = ok;
    }
  }

  // A backup of the ring's "app" keyspace as the API starts one; its
  // operation, claimed by tm-1 (the owner that may save its checkpoint).
  db::Operation start_backup() {
    db::ClusterBackupRequest request;
    request.name = "nightly";
    request.keyspaces = {"app"};
    const auto started = db::start_cluster_backup(backups, w.cluster(), request,
                                                  db::QuotaValues{10, 100000, 100, 10});
    if (!started) throw std::runtime_error("the backup did not start");
    backup_id = started->backup.id;
    return *w.world.ops.claim(started->operation.id, "tm-1", 30s);
  }

  static std::unique_ptr<taskmanager::Step> backup_step(size_t k) {
    taskmanager::StepList steps;
    datastores::cassandra::add_cluster_backup_steps(steps);
    return std::move(steps.at(k));
  }

  // Runs `step` of `op` as the runner would until it no longer retries
  // (at most 20 runs); `between` after each retry plays the guests' move.
  StepResult drive(taskmanager::Step& step, db::Operation& op,
                   const std::function<void()>& between = {}) {
    taskmanager::StepContext ctx{w.world.services, op};
    for (int run = 0; run < 20; ++run) {
      StepResult r = step.run(ctx);
      if (r.kind != StepResult::Kind::kRetry) return r;
      if (between) between();
    }
    ADD_FAILURE() << step.name() << " still retries after 20 runs";
    return StepResult::failed("", "still retrying");
  }

  // Sets every job of `action` on `id` still RUNNING to `state`.
  void end_jobs(const std::string& id, const std::string& action, proto::JobReply::State state) {
    std::lock_guard<std::mutex> l(w.world.guests.mu);
    FakeGuest& g = w.world.guests.guest(id);
    for (const auto& [name, args] : g.acts) {
      auto job = g.jobs.find(args.value("key", ""));
      if (name != action || job == g.jobs.end()) continue;
      if (job->second.state() == proto::JobReply::RUNNING) job->second.set_state(state);
    }
  }

  std::vector<std::string> journal() {
    std::lock_guard<std::mutex> l(w.world.guests.mu);
    return w.world.guests.journal;
  }

  static json running(FakeGuest&, const json&) { return {{"state", "RUNNING"}}; }

  RingWorld w;
  FakeBackupRepository backups{w.world.instances, w.world.ops, w.world.catalog};
  std::string backup_id;
};

TEST_F(CassandraBackupWorkflowTest, SnapshotsStartOnEveryNodeInOneRoundBeforeAnyIsPolled) {
  for (const auto& id : kNodes) w.world.guests.guest(id).actions["snapshot"] = running;
  db::Operation op = start_backup();
  const size_t before = journal().size();
  auto step = backup_step(kSnapshotStep);

  const StepResult r = drive(*step, op, [&] {
    bool all_started = true;
    for (const auto& id : kNodes) all_started = all_started && !w.acts(id, "snapshot").empty();
    if (!all_started) return;
    for (const auto& id : kNodes) end_jobs(id, "snapshot", proto::JobReply::SUCCEEDED);
  });

  ASSERT_EQ(r.kind, StepResult::Kind::kNext) << r.message;
  const auto log = journal();
  size_t last_start = 0, first_poll = log.size();
  for (size_t k = before; k < log.size(); ++k) {
    if (log[k].rfind("snapshot ", 0) == 0) last_start = k;
    if (log[k].rfind("get_job ", 0) == 0 && log[k].find(":snapshot:") != std::string::npos) {
      first_poll = std::min(first_poll, k);
    }
  }
  EXPECT_LT(last_start, first_poll) << "a snapshot job was polled before every node's started";
  EXPECT_LT(first_poll, log.size()) << "the jobs were polled";
  for (const auto& id : kNodes) {
    const auto acts = w.acts(id, "snapshot");
    ASSERT_EQ(acts.size(), 1u) << id;
    EXPECT_EQ(acts[0]["tag"], "automat-" + backup_id);
    EXPECT_EQ(acts[0]["keyspaces"], json({"app"}));
    EXPECT_EQ(acts[0]["key"], taskmanager::guest_job_key(op.id, "snapshot", id));
    EXPECT_TRUE(datastores::cassandra::marked(op, NodeMark::kSnapshotted, id)) << id;
    EXPECT_EQ(w.clusters_node(id).phase, "") << id << " idle again";
  }
  EXPECT_EQ(backups.find_any(backup_id)->status, "BUILDING");
}

TEST_F(CassandraBackupWorkflowTest, ANodeWhoseSnapshotFailsFailsTheBackupNamingItsHost) {
  w.world.guests.guest("n2").actions["snapshot"] = [](FakeGuest&, const json&) -> json {
    throw common::conflict("the Cassandra node n2 is not running: it cannot take a snapshot");
  };
  const db::Operation op = start_backup();

  ASSERT_EQ(w.run(op.id), Outcome::kFailed);

  const auto done = w.world.op(op.id);
  ASSERT_EQ(done.errors.size(), 1u);
  EXPECT_EQ(done.errors[0].host, w.address("n2"));
  EXPECT_NE(done.errors[0].message.find("not running"), std::string::npos)
      << done.errors[0].message;
  EXPECT_EQ(backups.find_any(backup_id)->status, "FAILED");
  for (const auto& id : kNodes) {
    EXPECT_EQ(w.acts(id, "snapshot").size(), 1u) << id << ": started with the others, once";
    // The failure clears the tag on every node (a clear job of its own).
    const auto clears = w.acts(id, "clear_snapshot");
    ASSERT_EQ(clears.size(), 1u) << id;
    EXPECT_EQ(clears[0]["tag"], "automat-" + backup_id);
    EXPECT_EQ(clears[0]["key"], taskmanager::guest_job_key(op.id, "clear-on-failure", id));
  }
  const db::Cluster c = w.cluster();
  EXPECT_EQ(c.task, "NONE");
  for (const auto& n : c.nodes) EXPECT_EQ(n.phase, "") << n.instance_id;
}

TEST_F(CassandraBackupWorkflowTest, AResumedStepSkipsTheNodesItAlreadyMarked) {
  db::Operation op = start_backup();
  taskmanager::StepContext ctx{w.world.services, op};
  datastores::cassandra::mark(ctx, NodeMark::kSnapshotted, "n1");
  datastores::cassandra::mark(ctx, NodeMark::kSnapshotCleared, "n3");

  auto snapshot = backup_step(kSnapshotStep);
  ASSERT_EQ(drive(*snapshot, op).kind, StepResult::Kind::kNext);
  auto clear = backup_step(kClearStep);
  ASSERT_EQ(drive(*clear, op).kind, StepResult::Kind::kNext);

  EXPECT_TRUE(w.acts("n1", "snapshot").empty()) << "n1 was snapshotted before the resume";
  EXPECT_EQ(w.acts("n2", "snapshot").size(), 1u);
  EXPECT_EQ(w.acts("n3", "snapshot").size(), 1u);
  EXPECT_EQ(w.acts("n1", "clear_snapshot").size(), 1u);
  EXPECT_EQ(w.acts("n2", "clear_snapshot").size(), 1u);
  EXPECT_TRUE(w.acts("n3", "clear_snapshot").empty()) << "n3 was cleared before the resume";
  for (const auto& id : kNodes) {
    EXPECT_TRUE(datastores::cassandra::marked(op, NodeMark::kSnapshotCleared, id)) << id;
  }
}

// A guest that restarted while it took the snapshot: Cassandra may still be
// linking it, and one taken again would be apart in time from the others',
// so the backup fails naming the host rather than snapshot it twice.
TEST_F(CassandraBackupWorkflowTest, ASnapshotJobTheGuestLostFailsNamingTheHostAndIsNotTakenAgain) {
  w.world.guests.guest("n3").actions["snapshot"] = running;
  db::Operation op = start_backup();
  auto step = backup_step(kSnapshotStep);

  const StepResult r = drive(*step, op, [&] {
    if (!w.acts("n3", "snapshot").empty()) end_jobs("n3", "snapshot", proto::JobReply::LOST);
  });

  ASSERT_EQ(r.kind, StepResult::Kind::kFailed);
  EXPECT_EQ(r.host, w.address("n3"));
  EXPECT_NE(r.message.find("restarted"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("not started again"), std::string::npos) << r.message;
  EXPECT_EQ(w.acts("n3", "snapshot").size(), 1u) << "no second snapshot under another key";
  EXPECT_FALSE(datastores::cassandra::marked(op, NodeMark::kSnapshotted, "n3"));
  EXPECT_TRUE(datastores::cassandra::marked(op, NodeMark::kSnapshotted, "n1"));
}

TEST_F(CassandraBackupWorkflowTest, AClearTheGuestLostIsStartedAgainUnderTheNextKey) {
  w.world.guests.guest("n2").actions["clear_snapshot"] = running;
  db::Operation op = start_backup();
  auto step = backup_step(kClearStep);

  const StepResult r = drive(*step, op, [&] {
    const auto clears = w.acts("n2", "clear_snapshot");
    if (clears.size() == 1) {
      w.world.guests.guest("n2").actions["clear_snapshot"] = [](FakeGuest&, const json&) {
        return json::object();
      };
      end_jobs("n2", "clear_snapshot", proto::JobReply::LOST);
    }
  });

  ASSERT_EQ(r.kind, StepResult::Kind::kNext) << r.message;
  const auto clears = w.acts("n2", "clear_snapshot");
  ASSERT_EQ(clears.size(), 2u);
  const std::string key = taskmanager::guest_job_key(op.id, "clear-snapshot", "n2");
  EXPECT_EQ(clears[0]["key"], key);
  EXPECT_EQ(clears[1]["key"], key + ".2");
  for (const auto& id : kNodes) {
    EXPECT_TRUE(datastores::cassandra::marked(op, NodeMark::kSnapshotCleared, id)) << id;
  }
}

TEST_F(CassandraBackupWorkflowTest, AFailedClearFailsTheStepNamingItsHost) {
  w.world.guests.guest("n1").actions["clear_snapshot"] = [](FakeGuest&, const json&) -> json {
    return {{"state", "FAILED"}, {"message", "nodetool clearsnapshot failed: disk error"}};
  };
  db::Operation op = start_backup();
  auto step = backup_step(kClearStep);

  const StepResult r = drive(*step, op);

  ASSERT_EQ(r.kind, StepResult::Kind::kFailed);
  EXPECT_EQ(r.host, w.address("n1"));
  EXPECT_NE(r.message.find("disk error"), std::string::npos) << r.message;
  EXPECT_EQ(w.acts("n2", "clear_snapshot").size(), 1u) << "started with n1, in the same round";
  EXPECT_EQ(w.acts("n3", "clear_snapshot").size(), 1u);
}

}  // namespace
}  // namespace automat::testing
