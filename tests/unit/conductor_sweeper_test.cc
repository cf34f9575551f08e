#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/error.h"
#include "conductor/guest_message_handler.h"
#include "conductor/heartbeat_sweeper.h"
#include "tests/fakes/changes.h"
#include "tests/unit/conductor_test_util.h"

namespace automat::conductor {
namespace {

using namespace std::chrono_literals;
namespace ss = common::service_status;

class SweeperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    instances.time->set(std::chrono::system_clock::now());
    add("silent", common::task::kNone);
    add("chatty", common::task::kNone);
    add("building", common::task::kBuilding);
    add("deleting", common::task::kDeleting);
  }

  void add(const std::string& id, const std::string& task) {
    db::Instance inst;
    inst.id = id;
    inst.tenant_id = "t";
    inst.task = task;
    inst.service_status = ss::kRunning;
    inst.created = testing::iso8601(instances.time->now());
    instances.instances[id] = inst;
  }

  std::string status(const std::string& id) { return instances.instances.at(id).service_status; }

  void beat(const std::string& id, int64_t sent_us) {
    handler.handle({testing::heartbeat_message(id, sent_us, ss::kRunning)});
  }

  testing::FakeInstanceRepository instances;
  testing::FakeHeartbeatRepository heartbeats{&instances};
  GuestMessageHandler handler{heartbeats, testing::kGuestSecret};
  HeartbeatSweeper sweeper{heartbeats, 60s};
};

TEST_F(SweeperTest, MarksOnlyInstancesSilentPastTheExpiry) {
  for (const char* id : {"silent", "chatty", "building", "deleting"}) beat(id, 1);
  instances.time->advance(30s);
  beat("chatty", 2);
  EXPECT_TRUE(sweeper.sweep_once().empty());

  instances.time->advance(31s);  // silent: 61 s, chatty: 31 s
  EXPECT_EQ(sweeper.sweep_once(), (std::vector<std::string>{"silent"}));
  EXPECT_EQ(status("silent"), ss::kFailedTimeoutGuestagent);
  EXPECT_EQ(status("chatty"), ss::kRunning);
  EXPECT_EQ(status("building"), ss::kRunning);
  EXPECT_EQ(status("deleting"), ss::kRunning);
  // Already marked: not reported twice.
  EXPECT_TRUE(sweeper.sweep_once().empty());
}

TEST_F(SweeperTest, AHeartbeatBringsAnInstanceBack) {
  beat("silent", 1);
  beat("chatty", 1);
  instances.time->advance(61s);
  EXPECT_EQ(sweeper.sweep_once().size(), 2u);
  beat("silent", 2);
  EXPECT_EQ(status("silent"), ss::kRunning);
  EXPECT_EQ(status("chatty"), ss::kFailedTimeoutGuestagent);
}

// Fails the first `failures` sweeps as a database outage would.
class FlakyHeartbeatRepository : public db::HeartbeatRepository {
 public:
  FlakyHeartbeatRepository(db::HeartbeatRepository& inner, int failures)
      : inner_(inner), failures_(failures) {}
  size_t record_batch(const std::vector<db::HeartbeatRecord>& r) override {
    return inner_.record_batch(r);
  }
  std::vector<std::string> mark_expired(std::chrono::seconds expiry) override {
    ++calls;
    struct Bump {
      testing::Changes& c;
      ~Bump() { c.bump(); }  // after the sweep, whether it failed or not
    } bump{changes};
    if (failures_-- > 0) throw common::unavailable("database unavailable: test outage");
    return inner_.mark_expired(expiry);
  }
  std::atomic<int> calls{0};
  testing::Changes changes;  // bumped after every sweep

 private:
  db::HeartbeatRepository& inner_;
  std::atomic<int> failures_;
};

TEST_F(SweeperTest, RunSweepsUntilStoppedAndSurvivesOutages) {
  beat("silent", 1);
  beat("chatty", 1);
  instances.time->advance(61s);
  FlakyHeartbeatRepository flaky(heartbeats, 3);
  HeartbeatSweeper flaky_sweeper(flaky, 60s);
  common::StopSignal stop;
  std::thread loop([&] { flaky_sweeper.run(stop, 0s); });
  auto marked = [&] {
    std::lock_guard<std::mutex> lock(instances.mu);
    return instances.instances.at("silent").service_status == ss::kFailedTimeoutGuestagent;
  };
  flaky.changes.await(marked);
  stop.request();
  loop.join();
  EXPECT_TRUE(marked());
  EXPECT_GE(flaky.calls, 4);  // three failed sweeps, then a good one
}

TEST(SweeperStop, StopEndsAnIntervalAtOnce) {
  testing::FakeHeartbeatRepository heartbeats;
  HeartbeatSweeper sweeper(heartbeats, 60s);
  common::StopSignal stop;
  const auto start = std::chrono::steady_clock::now();
  std::thread loop([&] { sweeper.run(stop, 3600s); });
  stop.request();
  loop.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

}  // namespace
}  // namespace automat::conductor
