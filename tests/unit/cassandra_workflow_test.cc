// The Cassandra workflows (datastores/cassandra/workflow_*.cc) driven by the
// real OperationRunner against fake compute, guests and repositories.
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <thread>

#include "datastores//cassandra/workflow_cassandra_steps.h"
#include "datastores/cassandra/common_node_role.h"
#include "taskmanager/guest_job.h"
#include "tests/unit/cassandra_ring_world.h"
#include "tests/unit/cassandra_settings_of.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;
using Outcome = taskmanager::OperationRunner::Outcome;
using nlohmann::json;

class CassandraClusterTest : public ::testing::Test {
 protected:
  // Three nodes over two racks: n1 (r1, seed), n2 (r2, seed), n3 (r1).
  db::Operation create_three() {
    return w.create_cluster(
        {w.node("n1", "r1", true, 1), w.node("n2", "r2", true, 2), w.node("n3", "r1", false, 3)});
  }
  RingWorld w;
};

TEST(CassandraStartBatches, FirstSeedAloneThenEveryOtherNodeTogether) {
  auto seed = [](const std::string& id) { return id == "b" || id == "c"; };
  const auto batches = datastores::cassandra::start_batches({"b", "c", "a", "d"}, seed);
  ASSERT_EQ(batches.size(), 2u);
  EXPECT_EQ(batches[0], (std::vector<std::string>{"b"}));
  EXPECT_EQ(batches[1], (std::vector<std::string>{"c", "a", "d"}));
  EXPECT_EQ(datastores::cassandra::start_batches({"x"}, seed).size(), 1u);
  EXPECT_TRUE(datastores::cassandra::start_batches({}, seed).empty());
}

TEST_F(CassandraClusterTest, CreateStartsTheFirstSeedThenTheOthersTogetherSecuresAndEndsActive) {
  const auto op = create_three();
  // n2 and n3 must be prepared at the same time: each waits for the other.
  std::mutex mu;
  std::condition_variable cv;
  std::set<std::string> arrived;
  bool overlapped = false;
  for (const std::string id : {"n2", "n3"}) {
    w.world.guests.guest(id).on_prepare = [&, id](const proto::PrepareRequest&) {
      {
        std::unique_lock<std::mutex> l(mu);
        arrived.insert(id);
        cv.notify_all();
        overlapped = cv.wait_for(l, 5s, [&] { return arrived.size() == 2; }) || overlapped;
      }
      w.join(id);
    };
  }

  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  const Outcome outcome = w.run(op.id);
  const std::string logged =
      ::testing::internal::GetCapturedStdout() + ::testing::internal::GetCapturedStderr();
  ASSERT_EQ(outcome, Outcome::kCompleted) << w.world.op(op.id).message;

  EXPECT_TRUE(overlapped) << "the non-first nodes were prepared one after another";
  ASSERT_EQ(w.joined.size(), 3u);
  EXPECT_EQ(w.joined[0], "n1") << "the first seed starts alone, first";
  const std::vector<std::string> seeds = {w.address("n1"), w.address("n2")};
  std::set<int64_t> tokens;
  for (const std::string id : {"n1", "n2", "n3"}) {
    const FakeGuest g = w.guest(id);
    ASSERT_EQ(g.prepares.size(), 1u) << id;
    const auto config = config_of(g);
    EXPECT_EQ(config.auto_bootstrap(), false) << id;
    EXPECT_EQ(seeds_of(config), seeds) << id;
    EXPECT_EQ(config.cluster_name(), w.cluster_id);
    EXPECT_EQ(config.rack(), id == "n2" ? "r2" : "r1");
    EXPECT_EQ(config.dc(), "dc1");
    EXPECT_EQ(g.prepares[0].memory_mb(), 2048);
    ASSERT_EQ(config.initial_tokens_size(), 16) << id;
    for (const int64_t t : config.initial_tokens()) {
      EXPECT_TRUE(tokens.insert(t).second) << id << " shares token " << t;
    }
  }
  EXPECT_EQ(tokens.size(), 48u) << "every node of the new ring has tokens of its own";
  // Secured through the first node by a job that carries no password;
  // then a new one through n1, stored on the others: every node holds the
  // login the ring accepts.
  const auto secure = w.acts("n1", "secure_cluster");
  ASSERT_EQ(secure.size(), 1u);
  EXPECT_EQ(secure[0]["username"], "automat_admin");
  EXPECT_EQ(secure[0]["key"], taskmanager::guest_job_key(op.id, "secure", "n1"));
  EXPECT_FALSE(secure[0].contains("password")) << secure[0].dump();
  EXPECT_TRUE(w.acts("n2", "secure_cluster").empty());
  const auto rotated = w.acts("n1", "rotate_admin");
  ASSERT_EQ(rotated.size(), 1u);
  const std::string password = rotated[0]["password"];
  EXPECT_GE(password.size(), 24u);
  EXPECT_TRUE(w.acts("n1", "store_credentials").empty()) << "n1 stores it as it rotates";
  for (const std::string id : {"n2", "n3"}) {
    const auto stored = w.acts(id, "store_credentials");
    ASSERT_EQ(stored.size(), 1u) << id;
    EXPECT_EQ(stored[0]["password"], password);
  }
  EXPECT_EQ(w.login_held_by({"n1", "n2", "n3"}), password);
  const auto done = w.world.op(op.id);
  EXPECT_EQ(done.state, "COMPLETED");
  EXPECT_EQ((done.input.dump() + done.checkpoint.dump()).find(password), std::string::npos)
      << "the secret stays in memory";
  EXPECT_NE(logged.find("cassandra.login_shared"), std::string::npos) << "the log was captured";
  EXPECT_EQ(logged.find(password), std::string::npos) << "the password was logged";

  const db::Cluster c = w.cluster();
  EXPECT_EQ(c.status, "ACTIVE");
  EXPECT_EQ(c.task, "NONE");
  for (const auto& n : c.nodes) {
    EXPECT_EQ(n.instance.task, "NONE") << n.instance_id;
    EXPECT_EQ(n.phase, "") << n.instance_id;
    EXPECT_EQ(n.instance.address, w.address(n.instance_id));
  }
}

TEST_F(CassandraClusterTest, CreateIsActiveOnlyOnceEveryHeartbeatShowsEveryNodeUn) {
  const auto op = create_three();
  w.publish = false;  // joins do not reach the heartbeats by themselves
  // The conductor records the ring 700 ms (of the runner's time) after the
  // last node joined.
  std::chrono::milliseconds since_all_up{0};
  bool published = false;
  w.timing.on_pause = [&](std::chrono::milliseconds d) {
    {
      std::lock_guard<std::mutex> l(w.ring_mu);
      if (w.up.size() < 3 || published) return;
    }
    since_all_up += d;
    if (since_all_up >= 700ms) {
      w.publish_ring();
      published = true;
    }
  };
  const Outcome outcome = w.run(op.id);
  ASSERT_EQ(outcome, Outcome::kCompleted) << w.world.op(op.id).message;
  EXPECT_TRUE(published) << "ACTIVE before the heartbeats showed the ring";
  EXPECT_EQ(w.cluster().status, "ACTIVE");
}

TEST_F(CassandraClusterTest, TheRingIsNotReadyWhileANodeReportsAnotherRack) {
  const auto op = create_three();
  ASSERT_EQ(w.run(op.id), Outcome::kCompleted);
  auto report = datastores::cassandra::node_report(w.clusters.details.at("n2"), "n2");
  ASSERT_TRUE(report);
  for (auto& m : *report->mutable_ring()->mutable_nodes()) {
    if (m.address() == w.address("n3")) m.set_rack("r9");
  }
  w.clusters.set_detail("n2", datastores::cassandra::stored_detail(*report));
  db::Operation copy = w.world.op(op.id);
  taskmanager::StepContext ctx{w.world.services, copy};
  auto step = datastores::cassandra::wait_for_ring_step();

  const auto waiting = step->run(ctx);
  EXPECT_EQ(waiting.kind, taskmanager::StepResult::Kind::kRetry);
  EXPECT_NE(waiting.message.find("rack r9, expected r1"), std::string::npos) << waiting.message;

  w.publish_ring();
  EXPECT_EQ(step->run(ctx).kind, taskmanager::StepResult::Kind::kNext);
}

TEST_F(CassandraClusterTest, CreateFailingOnANodeLeavesTheClusterErrorWithTheNodesFault) {
  const auto op = create_three();
  w.world.guests.guest("n3").prepare_error = "Cassandra did not start: port 7000 in use";

  ASSERT_EQ(w.run(op.id), Outcome::kFailed);

  const auto done = w.world.op(op.id);
  ASSERT_EQ(done.errors.size(), 1u);
  EXPECT_EQ(done.errors[0].host, w.address("n3"));
  EXPECT_NE(done.errors[0].message.find("port 7000 in use"), std::string::npos);
  const db::Cluster c = w.cluster();
  EXPECT_EQ(c.status, "ERROR");
  EXPECT_EQ(c.task, "NONE");
  for (const auto& n : c.nodes) {
    EXPECT_EQ(n.phase, "") << n.instance_id;
    if (n.instance_id == "n3") {
      EXPECT_EQ(n.instance.task, "BUILDING_ERROR");
      ASSERT_TRUE(n.instance.fault);
      EXPECT_NE(n.instance.fault->find("port 7000 in use"), std::string::npos);
    } else {
      EXPECT_EQ(n.instance.task, "NONE") << n.instance_id;
      EXPECT_FALSE(n.instance.fault) << n.instance_id;
    }
  }
  EXPECT_TRUE(w.acts("n1", "secure_cluster").empty()) << "no secure after a failed start";
}

TEST_F(CassandraClusterTest, SecuringIsAJobStartedOnceAndPolledWithoutHoldingTheWorker) {
  const auto op = create_three();
  const std::string key = taskmanager::guest_job_key(op.id, "secure", "n1");
  w.world.guests.guest("n1").actions["secure_cluster"] = [&](FakeGuest&, const json&) {
    return json{{"state", "RUNNING"}, {"message", "reading system_auth at ALL"}};
  };
  // The job ends after the step answered "running" three times.
  int polls = 0;
  std::string while_running;
  w.timing.on_pause = [&](std::chrono::milliseconds) {
    std::lock_guard<std::mutex> l(w.world.guests.mu);
    auto& jobs = w.world.guests.guest("n1").jobs;
    if (!jobs.count(key) || jobs[key].state() != proto::JobReply::RUNNING) return;
    if (++polls < 3) return;
    while_running = w.world.op(op.id).message;
    w.secure_through("n1");  // what the job did meanwhile
    jobs[key].set_state(proto::JobReply::SUCCEEDED);
  };

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  EXPECT_EQ(polls, 3) << "the step answered a retry while the job ran";
  EXPECT_NE(while_running.find("securing the ring running"), std::string::npos) << while_running;
  const auto started = w.acts("n1", "secure_cluster");
  ASSERT_EQ(started.size(), 1u) << "started once, then only looked at";
  EXPECT_EQ(started[0]["key"], key);
  EXPECT_EQ(w.acts("n1", "rotate_admin").size(), 1u) << "rotated once the job succeeded";
  EXPECT_FALSE(w.login_held_by({"n1", "n2", "n3"}).empty());
  EXPECT_EQ(w.cluster().status, "ACTIVE");
}

TEST_F(CassandraClusterTest, ATaskmanagerRestartedWhileSecuringLooksAtTheJobAndNeedsNoOldPassword) {
  const auto op = create_three();
  const std::string key = taskmanager::guest_job_key(op.id, "secure", "n1");
  w.world.guests.guest("n1").actions["secure_cluster"] = [](FakeGuest&, const json&) {
    return json{{"state", "RUNNING"}};
  };
  auto job_started = [&] {
    std::lock_guard<std::mutex> l(w.world.guests.mu);
    return w.world.guests.guest("n1").jobs.count(key) > 0;
  };
  {
    taskmanager::OperationRunner first(w.world.services, datastores::workflow_factory,
                                       w.timing.apply(taskmanager::RunnerOptions{"tm-1", 30s}),
                                       w.world.stop);
    auto claimed = w.world.ops.claim(op.id, "tm-1", 30s);
    ASSERT_TRUE(claimed);
    auto run = first.start(*claimed);
    for (int i = 0; i < 50 && !job_started(); ++i) ASSERT_FALSE(run->advance());
  }  // that taskmanager is gone, with anything it held in memory
  ASSERT_TRUE(job_started());
  {
    std::lock_guard<std::mutex> l(w.world.guests.mu);
    w.secure_through("n1");  // the job ends while no taskmanager looks
    w.world.guests.guest("n1").jobs[key].set_state(proto::JobReply::SUCCEEDED);
  }

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  EXPECT_EQ(w.acts("n1", "secure_cluster").size(), 1u) << "looked at, not started again";
  EXPECT_EQ(w.acts("n1", "rotate_admin").size(), 1u);
  EXPECT_FALSE(w.login_held_by({"n1", "n2", "n3"}).empty());
}

TEST_F(CassandraClusterTest, AJobTheGuestLostIsStartedAgainAndFindsItsStoredPassword) {
  const auto op = create_three();
  // n1's guest restarts after its job made the ring's admin with the
  // password it stored: the job is lost, the password is not.
  int starts = 0;
  w.world.guests.guest("n1").actions["secure_cluster"] = [&](FakeGuest&, const json&) {
    w.secure_through("n1");
    return ++starts == 1 ? json{{"state", "LOST"}} : json::object();
  };

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  const auto started = w.acts("n1", "secure_cluster");
  const std::string key = taskmanager::guest_job_key(op.id, "secure", "n1");
  ASSERT_EQ(started.size(), 2u);
  EXPECT_EQ(started[0]["key"], key);
  EXPECT_EQ(started[1]["key"], key + ".2") << "started again under the next key";
  EXPECT_FALSE(w.login_held_by({"n1", "n2", "n3"}).empty())
      << "every node holds the login the ring accepts";
}

TEST_F(CassandraClusterTest, AFailedSecuringJobFailsTheCreateNamingTheNode) {
  const auto op = create_three();
  w.world.guests.guest("n1").actions["secure_cluster"] = [](FakeGuest&, const json&) {
    return json{{"state", "FAILED"}, {"message", "the ring was secured with other credentials"}};
  };

  ASSERT_EQ(w.run(op.id), Outcome::kFailed);

  const auto done = w.world.op(op.id);
  ASSERT_EQ(done.errors.size(), 1u);
  EXPECT_EQ(done.errors[0].host, w.address("n1"));
  EXPECT_NE(done.errors[0].message.find("securing the ring"), std::string::npos)
      << done.errors[0].message;
  EXPECT_NE(done.errors[0].message.find("other credentials"), std::string::npos);
  EXPECT_TRUE(w.acts("n1", "rotate_admin").empty());
  EXPECT_TRUE(w.acts("n2", "store_credentials").empty()) << "no login to share";
  EXPECT_EQ(w.cluster().status, "ERROR");
}

TEST_F(CassandraClusterTest, DeleteStopsAndDestroysEveryNodeThenRemovesTheCluster) {
  ASSERT_EQ(w.run(create_three().id), Outcome::kCompleted);
  const auto op = w.start("cluster.delete", "DELETING", {{"instance_ids", {"n1", "n2", "n3"}}});

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  for (const std::string id : {"n1", "n2", "n3"}) {
    EXPECT_EQ(w.guest(id).stops, 1) << id;
    EXPECT_FALSE(w.world.instances.find_any(id)) << id;
  }
  EXPECT_EQ(w.world.compute.destroys.size(), 3u);
  EXPECT_TRUE(w.world.compute.servers.empty());
  EXPECT_FALSE(w.clusters.find_any(w.cluster_id));
}

// A create whose taskmanager stopped after node 1/3's server, then while
// node 2/3's guest did not answer yet: each resumed run skips the nodes its
// checkpoint lists, and the operation's message names the nodes.
TEST_F(CassandraClusterTest, AResumedCreateSkipsTheNodesAllocatedOrAnsweringAlready) {
  const auto op = create_three();
  w.world.guests.guest("n2").unavailable_pings = 2;
  auto creates = [&] {
    std::lock_guard<std::mutex> l(w.world.compute.mu);
    return w.world.compute.creates.size();
  };
  std::vector<std::string> messages;

  ASSERT_EQ(w.run_until(
                op.id, [&] { return creates() == 1; }, &messages),
            Outcome::kAbandoned);
  EXPECT_EQ(messages.back(), "node 1/3 allocated");
  ASSERT_EQ(w.run_until(
                op.id, [&] { return w.guest("n2").pings == 1; }, &messages),
            Outcome::kAbandoned);
  EXPECT_NE(std::find(messages.begin(), messages.end(), "node 3/3 allocated"), messages.end());
  EXPECT_EQ(messages.back().rfind("node 2/3: waiting for the guest agent at " + w.address("n2"), 0),
            0u)
      << messages.back();
  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  EXPECT_EQ(creates(), 3u) << "each server was asked for once";
  EXPECT_EQ(w.guest("n1").pings, 1) << "n1 had answered before the taskmanager stopped";
  EXPECT_EQ(w.guest("n3").pings, 1);
  EXPECT_EQ(w.guest("n2").pings, 3);
  EXPECT_EQ(w.cluster().status, "ACTIVE");
}

// A delete stopped after its stop round, then after its destroy round
// (one destroy refused): the resumed runs stop nobody again and destroy
// only the server left.
TEST_F(CassandraClusterTest, AResumedDeleteStopsNoNodeTwiceAndDestroysOnlyTheServersLeft) {
  ASSERT_EQ(w.run(create_three().id), Outcome::kCompleted);
  const auto op = w.start("cluster.delete", "DELETING", {{"instance_ids", {"n1", "n2", "n3"}}});
  w.world.compute.fail_destroy = "the hypervisor is busy";
  auto destroys = [&] {
    std::lock_guard<std::mutex> l(w.world.compute.mu);
    return w.world.compute.destroys;
  };
  std::vector<std::string> messages;

  ASSERT_EQ(w.run_until(
                op.id, [] { return true; }, &messages),
            Outcome::kAbandoned);
  EXPECT_EQ(messages.back(), "node 1/3, node 2/3, node 3/3 stopped");
  ASSERT_EQ(w.run_until(
                op.id, [&] { return !destroys().empty(); }, &messages),
            Outcome::kAbandoned);
  EXPECT_EQ(messages.back(), "node 1/3: the hypervisor is busy");
  EXPECT_EQ(destroys(), (std::vector<std::string>{"n1", "n2", "n3"}));
  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  EXPECT_EQ(destroys(), (std::vector<std::string>{"n1", "n2", "n3", "n1"}));
  for (const std::string id : {"n1", "n2", "n3"}) EXPECT_EQ(w.guest(id).stops, 1) << id;
  EXPECT_TRUE(w.world.compute.servers.empty());
  EXPECT_FALSE(w.clusters.find_any(w.cluster_id));
}

// Every node's stop job starts in the first round (the guests stop in
// parallel), before any is looked at again; the step answers retries while
// they run and the servers are destroyed only once every stop ended.
TEST_F(CassandraClusterTest, DeleteStartsEveryNodesStopJobInOneRoundBeforeAnyIsPolled) {
  ASSERT_EQ(w.run(create_three().id), Outcome::kCompleted);
  const std::vector<std::string> ids = {"n1", "n2", "n3"};
  for (const auto& id : ids) w.world.guests.guest(id).stop_runs = true;
  const auto op = w.start("cluster.delete", "DELETING", {{"instance_ids", ids}});
  const size_t before = w.world.guests.journal.size();
  int stop_pauses = 0;
  size_t destroyed_while_stopping = 0;
  w.timing.on_pause = [&](std::chrono::milliseconds) {
    if (w.world.op(op.id).step_name != "stop-nodes") return;
    destroyed_while_stopping += w.world.compute.destroys.size();
    if (++stop_pauses < 2) return;
    std::lock_guard<std::mutex> l(w.world.guests.mu);
    for (const auto& id : ids) {
      for (auto& [key, job] : w.world.guests.guest(id).jobs) {
        if (job.kind() == "stop") job.set_state(proto::JobReply::SUCCEEDED);
      }
    }
  };

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  EXPECT_GE(stop_pauses, 2) << "the step answered retries while the stops ran";
  EXPECT_EQ(destroyed_while_stopping, 0u);
  const auto& log = w.world.guests.journal;
  size_t last_start = 0, first_poll = log.size();
  for (size_t k = before; k < log.size(); ++k) {
    if (log[k].rfind("start_stop ", 0) == 0) last_start = k;
    if (log[k].rfind("get_job ", 0) == 0 && log[k].find(":stop:") != std::string::npos) {
      first_poll = std::min(first_poll, k);
    }
  }
  EXPECT_LT(last_start, first_poll) << "a stop job was polled before every node's started";
  EXPECT_LT(first_poll, log.size()) << "the jobs were polled";
  for (const auto& id : ids) {
    EXPECT_EQ(w.guest(id).stop_keys, std::vector<std::string>{op.id + ":stop:" + id}) << id;
  }
  EXPECT_EQ(w.world.compute.destroys.size(), 3u);
  EXPECT_FALSE(w.clusters.find_any(w.cluster_id));
}

// n1's stop runs past its own deadline, n2's fails, n3's guest cannot be
// reached: each is only logged, and every server is destroyed.
TEST_F(CassandraClusterTest, ADeleteWhoseStopFailsOnANodeStillDestroysEveryServer) {
  ASSERT_EQ(w.run(create_three().id), Outcome::kCompleted);
  const auto op = w.start("cluster.delete", "DELETING", {{"instance_ids", {"n1", "n2", "n3"}}});
  w.world.guests.guest("n1").stop_runs = true;
  w.world.guests.guest("n2").stop_error = "nodetool drain failed";
  w.world.guests.guest("n3").reachable = false;
  w.timing.on_pause = [&](std::chrono::milliseconds) {
    std::lock_guard<std::mutex> l(w.world.guests.mu);
    const auto long_ago = std::chrono::system_clock::now() - 121s;
    for (auto& [key, job] : w.world.guests.guest("n1").jobs) {
      job.set_started_us(
          std::chrono::duration_cast<std::chrono::microseconds>(long_ago.time_since_epoch())
              .count());
    }
  };

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  EXPECT_EQ(w.guest("n1").stops, 1) << "asked, and left running past its deadline";
  EXPECT_EQ(w.guest("n1").jobs.at(op.id + ":stop:n1").state(), proto::JobReply::RUNNING);
  EXPECT_EQ(w.guest("n2").stops, 1) << "asked, and failed";
  EXPECT_EQ(w.world.compute.destroys.size(), 3u);
  EXPECT_TRUE(w.world.compute.servers.empty());
  for (const std::string id : {"n1", "n2", "n3"}) EXPECT_FALSE(w.world.instances.find_any(id));
  EXPECT_FALSE(w.clusters.find_any(w.cluster_id));
}

TEST_F(CassandraClusterTest, StandaloneInstanceIsItsOwnSecuredRing) {
  db::Instance inst;
  inst.id = "solo";
  inst.tenant_id = w.world.tenant_id;
  inst.name = "solo";
  inst.flavor_id = "2";
  inst.volume_size_gb = 1;
  inst.datastore_version_id = w.world.version_id;
  inst.availability_zone = "az7";
  db::Operation op;
  op.id = "op-solo";
  op.tenant_id = w.world.tenant_id;
  op.type = "instance.create";
  op.resource_type = "instance";
  op.resource_id = inst.id;
  w.world.instances.create_with_operation(inst, op);
  w.world.guests.guest("solo").on_prepare = [&](const proto::PrepareRequest&) {
    w.world.instances.set_service_status("solo", "RUNNING");
  };

  ASSERT_EQ(w.run(op.id), Outcome::kCompleted) << w.world.op(op.id).message;

  const auto config = config_of(w.guest("solo"));
  EXPECT_EQ(config.standalone(), true);
  EXPECT_EQ(seeds_of(config), std::vector<std::string>{w.address("solo")});
  EXPECT_EQ(config.cluster_name(), "solo");
  EXPECT_EQ(config.rack(), "az7");
  EXPECT_EQ(w.world.instance("solo").task, "NONE");

  const auto del = w.world.delete_instance("solo");
  ASSERT_EQ(w.run(del.id), Outcome::kCompleted);
  EXPECT_EQ(w.guest("solo").stops, 1);
  EXPECT_FALSE(w.world.instances.find_any("solo"));
}

}  // namespace
}  // namespace automat::testing
