// The Cassandra workflows that change a ring's members (grow, shrink,
// replace; datastores/cassandra/workflow_cassandra_resize.cc) against the
// fakes of tests/unit/cassandra_ring_world.h.
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "datastores/cassandra/workflow_cassandra_steps.h"
#include "taskmanager/guest_job.h"
#include "tests/unit/cassandra_ring_world.h"
#include "tests/unit/cassandra_settings_of.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;
using Outcome = taskmanager::OperationRunner::Outcome;
using nlohmann::json;

// A 3-node ring (n1 r1 seed, n2 r2 seed, n3 r1), ACTIVE.
class CassandraResizeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto op = w.create_cluster(
        {w.node("n1", "r1", true, 1), w.node("n2", "r2", true, 2), w.node("n3", "r1", false, 3)});
    ASSERT_EQ(w.run(op.id), Outcome::kCompleted);
  }
  std::vector<std::string> action_order(const std::string& id) {
    std::lock_guard<std::mutex> l(w.world.guests.mu);
    std::vector<std::string> out;
    for (const auto& a : w.world.guests.guest(id).acts) out.push_back(a.first);
    return out;
  }
  RingWorld w;
};

TEST_F(CassandraResizeTest, GrowJoinsBootstrappingSharesTheLoginReseedsAndCleansUpTheOldNodes) {
  const auto op = w.start("cluster.grow", "GROWING", {{"instance_ids", {"n4"}}},
                          {w.node("n4", "r3", false, 4)});

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  const auto config = config_of(w.guest("n4"));
  EXPECT_EQ(config.auto_bootstrap(), true);
  EXPECT_TRUE(config.initial_tokens().empty()) << "a joining node's tokens come from the ring";
  EXPECT_EQ(seeds_of(config), (std::vector<std::string>{w.address("n1"), w.address("n2")}));
  EXPECT_EQ(config.rack(), "r3");
  // The new rack r3 gets a seed; every node hears of it.
  const db::Cluster c = w.cluster();
  ASSERT_EQ(c.nodes.size(), 4u);
  EXPECT_TRUE(datastores::cassandra::is_seed(c.nodes[3])) << "a new rack needs a seed";
  EXPECT_EQ(c.nodes[3].role, datastores::cassandra::role_json(true, "dc1"))
      << "the role is stored whole";
  const json seeds = {w.address("n1"), w.address("n2"), w.address("n4")};
  for (const std::string id : {"n1", "n2", "n3", "n4"}) {
    const auto pushed = w.acts(id, "update_seeds");
    ASSERT_EQ(pushed.size(), 1u) << id;
    EXPECT_EQ(pushed[0]["seeds"], seeds) << id;
  }
  // system_auth re-replicated through n1 by the securing job (under this
  // operation's key), then the login reaches n4 through a rotation on n1,
  // never in the operation; every node holds the login the ring accepts.
  const auto secured = w.acts("n1", "secure_cluster");
  ASSERT_EQ(secured.size(), 2u) << "once at create, once at grow";
  EXPECT_EQ(secured[1]["key"], taskmanager::guest_job_key(op.id, "secure", "n1"));
  const auto rotated = w.acts("n1", "rotate_admin");
  ASSERT_EQ(rotated.size(), 2u) << "once at create, once at grow";
  const std::string password = rotated[1]["password"];
  EXPECT_NE(password, rotated[0]["password"]);
  const auto stored = w.acts("n4", "store_credentials");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0]["password"], password);
  const auto stored_n2 = w.acts("n2", "store_credentials");
  ASSERT_EQ(stored_n2.size(), 2u) << "once at create, once at grow";
  EXPECT_EQ(stored_n2[1]["password"], password);
  EXPECT_EQ(w.login_held_by({"n1", "n2", "n3", "n4"}), password);
  const auto grown = w.world.op(op.id);
  EXPECT_EQ((grown.input.dump() + grown.checkpoint.dump()).find(password), std::string::npos);
  // Cleanup on each old node, none on the new one, after the reseed.
  for (const std::string id : {"n1", "n2", "n3"}) {
    const auto order = action_order(id);
    const auto cleanup = std::find(order.begin(), order.end(), "cleanup");
    ASSERT_NE(cleanup, order.end()) << id;
    EXPECT_LT(std::find(order.begin(), order.end(), "update_seeds"), cleanup) << id;
  }
  EXPECT_TRUE(w.acts("n4", "cleanup").empty());
  EXPECT_EQ(c.status, "ACTIVE");
  EXPECT_EQ(c.task, "NONE");
  for (const auto& n : c.nodes) {
    EXPECT_EQ(n.phase, "");
    EXPECT_EQ(n.instance.task, "NONE");
  }
}

// A grow stopped while n3 did not take the new seeds yet (n1, n2 and n4 had
// them): `final_address`, when set, moves n1 before the resume, so the
// seeds differ from those pushed. Answers the update_seeds calls by node.
std::map<std::string, std::vector<json>> reseed_resumed(RingWorld& w,
                                                        const std::string& final_address = "") {
  const auto op = w.start("cluster.grow", "GROWING", {{"instance_ids", {"n4"}}},
                          {w.node("n4", "r3", false, 4)});
  auto refusals = std::make_shared<int>(1);
  w.world.guests.guest("n3").actions["update_seeds"] = [refusals](FakeGuest&, const json&) {
    if ((*refusals)-- > 0) throw common::unavailable("n3 is restarting");
    return json::object();
  };
  std::vector<std::string> messages;
  EXPECT_EQ(w.run_until(
                op.id, [&] { return !w.acts("n3", "update_seeds").empty(); }, &messages),
            Outcome::kAbandoned);
  EXPECT_NE(messages.back().find("node 3/4: updating the seeds"), std::string::npos)
      << messages.back();
  if (!final_address.empty()) w.world.instances.set_address("n1", final_address, 8780);
  EXPECT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;
  std::map<std::string, std::vector<json>> pushed;
  for (const std::string id : {"n1", "n2", "n3", "n4"}) {
    for (const auto& call : w.acts(id, "update_seeds")) pushed[id].push_back(call["seeds"]);
  }
  return pushed;
}

TEST_F(CassandraResizeTest, AResumedReseedGivesTheSeedsOnlyToTheNodesThatLackThem) {
  const auto pushed = reseed_resumed(w);

  const json seeds = {w.address("n1"), w.address("n2"), w.address("n4")};
  for (const std::string id : {"n1", "n2", "n4"}) {
    EXPECT_EQ(pushed.at(id), std::vector<json>{seeds}) << id << " had them before the stop";
  }
  ASSERT_EQ(pushed.at("n3").size(), 2u) << "refused once, then given the seeds";
  EXPECT_EQ(pushed.at("n3").back(), seeds);
}

TEST_F(CassandraResizeTest, AReseedResumedWithOtherSeedsGivesEveryNodeTheFinalOnes) {
  const auto pushed = reseed_resumed(w, "127.10.9.1");

  const json final_seeds = {"127.10.9.1", w.address("n2"), w.address("n4")};
  for (const std::string id : {"n1", "n2", "n3", "n4"}) {
    ASSERT_FALSE(pushed.at(id).empty()) << id;
    EXPECT_EQ(pushed.at(id).back(), final_seeds) << id;
  }
  EXPECT_EQ(pushed.at("n2").size(), 2u) << "given the earlier seeds, then the final ones";
}

TEST_F(CassandraResizeTest, GrowWaitsUntilTheNewNodeIsUn) {
  const auto op = w.start("cluster.grow", "GROWING", {{"instance_ids", {"n4"}}},
                          {w.node("n4", "r1", false, 4)});
  w.world.guests.guest("n4").on_prepare = [](const proto::PrepareRequest&) {};  // not yet UN
  // n4 joins after five pauses of the grow (the create's came before).
  const int before = w.timing.pauses;
  w.timing.on_pause = [&](std::chrono::milliseconds) {
    if (w.timing.pauses == before + 5) w.join("n4");
  };
  const Outcome outcome = w.run(op.id);
  ASSERT_EQ(outcome, Outcome::kCompleted) << w.world.op(op.id).message;
  EXPECT_GE(w.timing.pauses, before + 5);
  EXPECT_EQ(w.guest("n4").prepares.size(), 1u) << "prepared once, then only observed";
}

// The joining node bootstraps in a guest job: the step starts it once and
// only looks at it between retries, never waiting on a call while Cassandra
// starts; the operation shows the guest's progress line.
TEST_F(CassandraResizeTest, AJoiningNodeBootstrapsInAGuestJobLookedAtBetweenRetries) {
  const auto op = w.start("cluster.grow", "GROWING", {{"instance_ids", {"n4"}}},
                          {w.node("n4", "r1", false, 4)});
  w.world.guests.guest("n4").prepare_runs = true;
  const std::string key = op.id + ":prepare:n4";
  std::string shown;
  int looks = 0;
  w.timing.on_pause = [&](std::chrono::milliseconds) {
    const std::string message = w.world.op(op.id).message;
    if (!shown.empty() || message.find("joining the ring on") == std::string::npos) return;
    if (++looks < 3) return;
    shown = message;
    {
      std::lock_guard<std::mutex> l(w.world.guests.mu);
      w.world.guests.guest("n4").jobs.at(key).set_state(proto::JobReply::SUCCEEDED);
    }
    w.join("n4");
  };
  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;
  EXPECT_EQ(w.guest("n4").prepares.size(), 1u) << "started once, then only looked at";
  EXPECT_NE(shown.find(": starting"), std::string::npos) << shown;
}

TEST_F(CassandraResizeTest, AGrowWhoseNodeCannotJoinDiscardsThatNodeAndStaysActive) {
  const auto op = w.start("cluster.grow", "GROWING", {{"instance_ids", {"n4", "n5"}}},
                          {w.node("n4", "r1", false, 4), w.node("n5", "r2", false, 5)});
  w.world.guests.guest("n5").prepare_error = "Bootstrap Token collision between 127.0.0.4 and n5";

  ASSERT_EQ(w.run(op.id), Outcome::kFailed);

  const auto done = w.world.op(op.id);
  ASSERT_EQ(done.errors.size(), 1u);
  EXPECT_NE(done.errors[0].message.find("Token collision"), std::string::npos);
  // n4 joined and serves: it stays. n5 never joined: stopped, its server
  // destroyed, its record gone, so a later shrink is not blocked by it.
  EXPECT_FALSE(w.world.compute.servers.count("n5"));
  EXPECT_FALSE(w.world.instances.find_any("n5"));
  EXPECT_TRUE(w.world.compute.servers.count("n4"));
  const db::Cluster c = w.cluster();
  std::vector<std::string> ids;
  for (const auto& n : c.nodes) ids.push_back(n.instance_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"n1", "n2", "n3", "n4"}));
  EXPECT_EQ(c.status, "ACTIVE");
  EXPECT_EQ(c.task, "NONE");
}

// A stored input that does not fit its message (a row written by hand, or
// by a broken release) fails the shrink before any step runs, naming the
// operation and the message; no node is touched and the ring stays ACTIVE.
TEST_F(CassandraResizeTest, AShrinkWhoseInputDoesNotParseFailsBeforeAnyStep) {
  const auto op = w.start("cluster.shrink", "SHRINKING", {{"nodes", {"n2"}}});
  ASSERT_EQ(w.run(op.id), Outcome::kFailed);
  const auto failed = w.world.op(op.id);
  ASSERT_EQ(failed.errors.size(), 1u);
  EXPECT_NE(failed.errors[0].message.find("the input of operation " + op.id +
                                          " (cluster.shrink) does not parse as "
                                          "automat.proto.ClusterNodesInput"),
            std::string::npos)
      << failed.errors[0].message;
  EXPECT_EQ(failed.step, 0) << "no step ran";
  EXPECT_TRUE(w.world.compute.servers.count("n2"));
  EXPECT_EQ(w.cluster().nodes.size(), 3u);
  EXPECT_EQ(w.cluster().status, "ACTIVE");
  EXPECT_EQ(w.cluster().task, "NONE");
  for (const auto& [key, job] : w.world.guests.guest("n2").jobs) {
    EXPECT_EQ(key.find("decommission"), std::string::npos) << "no decommission started";
  }
}

TEST_F(CassandraResizeTest, ShrinkDecommissionsWaitsForTheRingDestroysAndReseeds) {
  const auto op = w.start("cluster.shrink", "SHRINKING", {{"instance_ids", {"n2"}}});

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  EXPECT_EQ(w.acts("n2", "decommission").size(), 1u);
  EXPECT_FALSE(w.world.instances.find_any("n2"));
  EXPECT_EQ(w.world.compute.servers.count("n2"), 0u);
  const db::Cluster c = w.cluster();
  ASSERT_EQ(c.nodes.size(), 2u);
  // Rack r2 is gone: n1 stays the only seed; the survivors are told.
  EXPECT_TRUE(datastores::cassandra::is_seed(c.nodes[0]));
  EXPECT_FALSE(datastores::cassandra::is_seed(c.nodes[1]));
  const auto pushed = w.acts("n3", "update_seeds");
  ASSERT_EQ(pushed.size(), 1u) << "a seed left: the survivors need a new list";
  EXPECT_EQ(pushed[0]["seeds"], json({w.address("n1")}));
  EXPECT_EQ(c.status, "ACTIVE");
  EXPECT_EQ(c.task, "NONE");
}

TEST_F(CassandraResizeTest, AFailingDecommissionFailsWithTheHostsErrorAndKeepsTheNode) {
  w.world.guests.guest("n3").actions["decommission"] = [](FakeGuest&, const json&) -> json {
    throw common::internal_error("Not enough live nodes to maintain replication factor");
  };
  const auto op = w.start("cluster.shrink", "SHRINKING", {{"instance_ids", {"n3"}}});

  ASSERT_EQ(w.run(op.id), Outcome::kFailed);

  const auto done = w.world.op(op.id);
  ASSERT_EQ(done.errors.size(), 1u);
  EXPECT_EQ(done.errors[0].host, w.address("n3"));
  EXPECT_NE(done.errors[0].message.find("Not enough live nodes"), std::string::npos);
  const db::Cluster c = w.cluster();
  ASSERT_EQ(c.nodes.size(), 3u);
  EXPECT_EQ(c.task, "NONE");
  EXPECT_EQ(c.status, "ACTIVE");
  EXPECT_EQ(c.nodes[2].phase, "");
  EXPECT_FALSE(c.nodes[2].instance.fault);
  EXPECT_EQ(w.world.compute.servers.count("n3"), 1u) << "the node keeps serving";
}

TEST_F(CassandraResizeTest, ADecommissionRunsAsAGuestJobPolledUntilItEndsAndStartedOnce) {
  // The guest starts the job and answers at once; it runs until the node
  // left the ring.
  w.world.guests.guest("n3").actions["decommission"] = [](FakeGuest&, const json&) -> json {
    return {{"state", "RUNNING"}, {"message", "streaming 3 ranges"}};
  };
  const auto op = w.start("cluster.shrink", "SHRINKING", {{"instance_ids", {"n3"}}});
  // While the job runs, n3 is BLOCKED and reports no ring (as a real node
  // does); the job ends (n3 left the ring) after the operation showed it
  // running for a few looks.
  std::string seen_while_running;
  int looks_while_running = 0;
  w.timing.on_pause = [&](std::chrono::milliseconds) {
    const std::string message = w.world.op(op.id).message;
    if (!seen_while_running.empty() || message.find("running") == std::string::npos) return;
    w.clusters.set_detail("n3", json::object());
    if (++looks_while_running < 3) return;
    seen_while_running = message;
    {
      std::lock_guard<std::mutex> l(w.world.guests.mu);
      auto& jobs = w.world.guests.guest("n3").jobs;
      const auto job = jobs.find(op.id + ":decommission:n3");
      ASSERT_NE(job, jobs.end());
      job->second.set_state(proto::JobReply::SUCCEEDED);
    }
    std::lock_guard<std::mutex> l(w.ring_mu);
    w.up.erase("n3");
  };

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  // Started once under the operation's key, however often the step looked.
  const auto started = w.acts("n3", "decommission");
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started[0]["key"], op.id + ":decommission:n3");
  EXPECT_NE(seen_while_running.find("nodetool decommission running (streaming 3 ranges)"),
            std::string::npos)
      << seen_while_running;
  EXPECT_FALSE(w.world.instances.find_any("n3"));
}

TEST_F(CassandraResizeTest, AJobTheGuestLostIsStartedAgainUnderTheNextKey) {
  int calls = 0;
  w.world.guests.guest("n2").actions["decommission"] = [&](FakeGuest&, const json&) -> json {
    if (++calls == 1) return {{"state", "LOST"}};  // the guest restarted while it ran
    std::lock_guard<std::mutex> l(w.ring_mu);
    w.up.erase("n2");
    return json::object();
  };
  const auto op = w.start("cluster.shrink", "SHRINKING", {{"instance_ids", {"n2"}}});

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  const auto started = w.acts("n2", "decommission");
  ASSERT_EQ(started.size(), 2u);
  EXPECT_EQ(started[0]["key"], op.id + ":decommission:n2");
  EXPECT_EQ(started[1]["key"], op.id + ":decommission:n2.2");
}

TEST_F(CassandraResizeTest, AGuestThatKeepsLosingTheJobFailsTheOperation) {
  w.world.guests.guest("n2").actions["decommission"] = [](FakeGuest&, const json&) -> json {
    return {{"state", "LOST"}};
  };
  const auto op = w.start("cluster.shrink", "SHRINKING", {{"instance_ids", {"n2"}}});

  ASSERT_EQ(w.run(op.id), Outcome::kFailed);

  EXPECT_EQ(w.acts("n2", "decommission").size(), 3u);
  const auto done = w.world.op(op.id);
  ASSERT_EQ(done.errors.size(), 1u);
  EXPECT_NE(done.errors[0].message.find("restarted 3 times"), std::string::npos)
      << done.errors[0].message;
  EXPECT_EQ(w.world.compute.servers.count("n2"), 1u) << "the node keeps serving";
}

TEST_F(CassandraResizeTest, AShrinkThatBecameUnsafeStopsBeforeAnyDecommission) {
  const auto op = w.start("cluster.shrink", "SHRINKING", {{"instance_ids", {"n3"}}});
  // After the API accepted the shrink, a keyspace's replication was raised
  // to 3: two nodes can no longer hold it.
  (*w.keyspaces[0].mutable_replication())["replication_factor"] = "3";
  w.publish_ring();

  ASSERT_EQ(w.run(op.id), Outcome::kFailed);

  EXPECT_TRUE(w.acts("n3", "decommission").empty()) << "nothing may be decommissioned";
  const auto done = w.world.op(op.id);
  ASSERT_EQ(done.errors.size(), 1u);
  EXPECT_NE(done.errors[0].message.find("cannot shrink cluster"), std::string::npos)
      << done.errors[0].message;
  EXPECT_NE(done.errors[0].message.find("replication factor 3"), std::string::npos)
      << done.errors[0].message;
  const db::Cluster c = w.cluster();
  ASSERT_EQ(c.nodes.size(), 3u);
  EXPECT_EQ(c.status, "ACTIVE");
  EXPECT_EQ(c.task, "NONE");
  EXPECT_EQ(w.world.compute.servers.count("n3"), 1u);
}

// The shrink checks run again right before each node's decommission: a
// two-node shrink safe for its first node (a seed) but no longer for its
// second stops there, and the survivors' seed lists stop naming the
// destroyed seed.
TEST_F(CassandraResizeTest, AShrinkUnsafeForItsSecondNodeStopsBeforeItAndReseeds) {
  (*w.keyspaces[0].mutable_replication())["replication_factor"] = "1";
  w.publish_ring();
  const auto op = w.start("cluster.shrink", "SHRINKING", {{"instance_ids", {"n2", "n3"}}});
  // Once n2 (a seed) is gone, a keyspace's replication is raised to 2:
  // n1 alone can no longer hold it.
  bool raised = false;
  w.timing.on_pause = [&](std::chrono::milliseconds) {
    if (raised || w.world.instances.find_any("n2")) return;
    raised = true;
    (*w.keyspaces[0].mutable_replication())["replication_factor"] = "2";
    w.publish_ring();
  };

  ASSERT_EQ(w.run(op.id), Outcome::kFailed);

  EXPECT_TRUE(raised);
  EXPECT_EQ(w.acts("n2", "decommission").size(), 1u);
  EXPECT_FALSE(w.world.instances.find_any("n2"));
  EXPECT_TRUE(w.acts("n3", "decommission").empty()) << "n3 may not be decommissioned";
  const auto done = w.world.op(op.id);
  EXPECT_EQ(done.state, "FAILED");
  ASSERT_EQ(done.errors.size(), 1u);
  EXPECT_NE(done.errors[0].message.find("cannot shrink cluster"), std::string::npos)
      << done.errors[0].message;
  EXPECT_NE(done.errors[0].message.find("replication factor 2"), std::string::npos)
      << done.errors[0].message;
  const db::Cluster c = w.cluster();
  ASSERT_EQ(c.nodes.size(), 2u);
  EXPECT_EQ(c.nodes[1].phase, "");
  EXPECT_EQ(w.world.compute.servers.count("n3"), 1u) << "n3 keeps serving";
  // n2 was a seed: the failure pushed lists without it.
  for (const std::string id : {"n1", "n3"}) {
    const auto pushed = w.acts(id, "update_seeds");
    ASSERT_FALSE(pushed.empty()) << id << " still names the destroyed seed";
    EXPECT_EQ(pushed.back()["seeds"], json({w.address("n1")})) << id;
  }
  EXPECT_TRUE(datastores::cassandra::is_seed(c.nodes[0]));
}

// A shrink resumed after its node's phase was shown, but before the node
// was marked leaving, still checks before it decommissions.
TEST_F(CassandraResizeTest, AResumedShrinkChecksAgainBeforeTheDecommission) {
  const auto op = w.start("cluster.shrink", "SHRINKING", {{"instance_ids", {"n3"}}});
  w.clusters.set_node_phase("n3", datastores::cassandra::node_phase::kDecommissioning);
  (*w.keyspaces[0].mutable_replication())["replication_factor"] = "3";
  w.publish_ring();

  ASSERT_EQ(w.run(op.id), Outcome::kFailed);

  EXPECT_TRUE(w.acts("n3", "decommission").empty()) << "nothing may be decommissioned";
  const auto done = w.world.op(op.id);
  ASSERT_EQ(done.errors.size(), 1u);
  EXPECT_NE(done.errors[0].message.find("cannot shrink cluster"), std::string::npos)
      << done.errors[0].message;
  EXPECT_EQ(w.cluster().nodes.size(), 3u);
}

// Cassandra replaces only a dead node: the new node is prepared only once
// the old one's stop job ended; the step answers retries meanwhile.
TEST_F(CassandraResizeTest, ReplaceWaitsForTheOldNodesStopJobBeforeStartingTheNewNode) {
  w.world.guests.guest("n2").stop_runs = true;
  db::Node fresh = w.node("n5", "r2", true, 4);
  const auto op = w.start("cluster.replace_node", "REPLACING",
                          {{"old_instance_id", "n2"}, {"new_instance_id", "n5"}}, {fresh});
  const std::string key = op.id + ":stop:n2";
  int stop_pauses = 0;
  size_t prepared_while_stopping = 0;
  w.timing.on_pause = [&](std::chrono::milliseconds) {
    std::lock_guard<std::mutex> l(w.world.guests.mu);
    auto& jobs = w.world.guests.guest("n2").jobs;
    if (!jobs.count(key) || jobs.at(key).state() != proto::JobReply::RUNNING) return;
    prepared_while_stopping += w.world.guests.guest("n5").prepares.size();
    if (++stop_pauses == 2) jobs.at(key).set_state(proto::JobReply::SUCCEEDED);
  };

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  EXPECT_EQ(stop_pauses, 2);
  EXPECT_EQ(prepared_while_stopping, 0u) << "the new node started while the old one ran";
  EXPECT_EQ(w.guest("n5").prepares.size(), 1u);
  EXPECT_EQ(w.guest("n2").stops, 1) << "removing the old node finds its stop done";
  EXPECT_FALSE(w.world.instances.find_any("n2"));
}

TEST_F(CassandraResizeTest, ReplaceStartsTheNewNodeInTheOldOnesPlaceThenRemovesTheOldOne) {
  const std::string old_address = w.address("n2");
  db::Node fresh = w.node("n5", "r2", true, 4);
  const auto op = w.start("cluster.replace_node", "REPLACING",
                          {{"old_instance_id", "n2"}, {"new_instance_id", "n5"}}, {fresh});

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  EXPECT_GE(w.guest("n2").stops, 1) << "a live node cannot be replaced";
  const auto config = config_of(w.guest("n5"));
  EXPECT_EQ(config.replace_address(), old_address);
  EXPECT_EQ(config.auto_bootstrap(), true);
  EXPECT_EQ(config.rack(), "r2");
  EXPECT_EQ(seeds_of(config), std::vector<std::string>{w.address("n1")}) << "not the dead seed";
  EXPECT_FALSE(w.world.instances.find_any("n2"));
  EXPECT_EQ(w.acts("n5", "store_credentials").size(), 1u);
  EXPECT_FALSE(w.login_held_by({"n1", "n3", "n5"}).empty())
      << "the replacement holds the login the ring accepts";
  const db::Cluster c = w.cluster();
  ASSERT_EQ(c.nodes.size(), 3u);
  const auto pushed = w.acts("n3", "update_seeds");
  ASSERT_EQ(pushed.size(), 1u);
  EXPECT_EQ(pushed[0]["seeds"], json({w.address("n1"), w.address("n5")}));
  EXPECT_EQ(c.status, "ACTIVE");
  EXPECT_EQ(c.task, "NONE");
}

}  // namespace
}  // namespace automat::testing
