// HeartbeatPublisher with the in-memory broker and a clock the test moves.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "common/guest_envelope.h"
#include "common/status.h"
#include "guestagent/heartbeat_publisher.h"
#include "tests/fakes/fake_broker.h"

namespace automat::guestagent {
namespace {

using namespace std::chrono_literals;

class SettableClock : public common::Clock {
 public:
  std::chrono::system_clock::time_point now() const override { return now_.load(); }
  void set_us(int64_t us) {
    now_ = std::chrono::system_clock::time_point(std::chrono::microseconds(us));
  }

 private:
  std::atomic<std::chrono::system_clock::time_point> now_{
      std::chrono::system_clock::time_point(std::chrono::microseconds(1'000'000))};
};

class StatusManager : public DatastoreManager {
 public:
  std::string name() const override { return "mysql"; }
  void prepare(const proto::PrepareRequest&) override {}
  void start() override {}
  void stop() override {}
  void restart() override {}
  std::string status() override {
    if (fail) throw std::runtime_error("cannot observe");
    std::lock_guard<std::mutex> lock(mu_);
    return status_;
  }
  proto::DatastoreReport report() override {
    proto::DatastoreReport r;
    r.set_fault("pid 42 is slow");
    proto::PingReply own;  // stands for a datastore's own report
    own.set_instance_id("pid-42");
    r.mutable_datastore()->PackFrom(own);
    std::lock_guard<std::mutex> lock(mu_);
    r.set_degraded_status(degraded_);
    return r;
  }
  void set_degraded(const std::string& s) {
    std::lock_guard<std::mutex> lock(mu_);
    degraded_ = s;
  }
  void set_status(const std::string& s) {
    std::lock_guard<std::mutex> lock(mu_);
    status_ = s;
  }
  std::atomic<bool> fail{false};

 private:
  std::mutex mu_;
  std::string status_ = common::service_status::kRunning;
  std::string degraded_;
};

proto::GuestEnvelope parse_envelope(const std::string& body) {
  proto::GuestEnvelope env;
  EXPECT_TRUE(env.ParseFromString(body));
  return env;
}

// Waits until `publisher` holds at least `n` messages, or 5 s.
bool wait_for_messages(testing::FakePublisher& publisher, size_t n) {
  return publisher.changes.await([&] { return publisher.published().size() >= n; });
}

TEST(HeartbeatPublisher, PublishesASignedHeartbeatToTheConductorQueue) {
  StatusManager manager;
  testing::FakePublisher broker;
  SettableClock clock;
  clock.set_us(1'700'000'000'000'000);
  HeartbeatPublisher hb(manager, broker, clock, "inst-9", "key-9", 10s);
  ASSERT_TRUE(hb.publish_once());

  const auto msgs = broker.published();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].first, common::kConductorQueue);
  const auto env = parse_envelope(msgs[0].second);
  EXPECT_EQ(env.instance_id(), "inst-9");
  EXPECT_EQ(env.method(), "heartbeat");
  EXPECT_EQ(env.sent_us(), 1'700'000'000'000'000);
  EXPECT_TRUE(common::verify_envelope(env, "key-9"));
  EXPECT_FALSE(common::verify_envelope(env, "key-of-another-instance"));
  proto::Heartbeat beat;
  ASSERT_TRUE(beat.ParseFromString(env.payload()));
  EXPECT_EQ(beat.service_status(), "RUNNING");
  EXPECT_EQ(beat.report().fault(), "pid 42 is slow");
  proto::PingReply own;
  ASSERT_TRUE(beat.report().datastore().UnpackTo(&own));
  EXPECT_EQ(own.instance_id(), "pid-42");
}

TEST(HeartbeatPublisher, CarriesTheVolumesUsageAsStatvfsSeesIt) {
  StatusManager manager;
  testing::FakePublisher broker;
  SettableClock clock;
  const std::string dir = ::testing::TempDir();
  HeartbeatPublisher hb(manager, broker, clock, "i", "k", 10s, dir);
  ASSERT_TRUE(hb.publish_once());
  proto::Heartbeat beat;
  ASSERT_TRUE(beat.ParseFromString(parse_envelope(broker.published().at(0).second).payload()));
  ASSERT_TRUE(beat.has_volume());
  const auto direct = volume_usage(dir);
  ASSERT_TRUE(direct.has_value());
  EXPECT_EQ(beat.volume().total_bytes(), direct->total_bytes());
  EXPECT_GT(beat.volume().total_bytes(), 0);
  EXPECT_GT(beat.volume().used_bytes(), 0);
  EXPECT_LE(beat.volume().used_bytes(), beat.volume().total_bytes());

  EXPECT_FALSE(volume_usage("").has_value());
  EXPECT_FALSE(volume_usage(dir + "/no/such/dir").has_value());
  HeartbeatPublisher none(manager, broker, clock, "i", "k", 10s);
  ASSERT_TRUE(none.publish_once());
  ASSERT_TRUE(beat.ParseFromString(parse_envelope(broker.published().at(1).second).payload()));
  EXPECT_FALSE(beat.has_volume()) << "no volume directory, no usage";
}

TEST(HeartbeatPublisher, SentTimeIsStrictlyIncreasingEvenWhenTheClockStallsOrGoesBack) {
  StatusManager manager;
  testing::FakePublisher broker;
  SettableClock clock;
  HeartbeatPublisher hb(manager, broker, clock, "i", "k", 10s);
  clock.set_us(5'000);
  const auto a = hb.make_envelope(proto::Heartbeat()).sent_us();
  const auto b = hb.make_envelope(proto::Heartbeat()).sent_us();
  clock.set_us(1'000);  // clock stepped back
  const auto c = hb.make_envelope(proto::Heartbeat()).sent_us();
  clock.set_us(9'000);
  const auto d = hb.make_envelope(proto::Heartbeat()).sent_us();
  EXPECT_EQ(a, 5'000);
  EXPECT_EQ(b, 5'001);
  EXPECT_EQ(c, 5'002);
  EXPECT_EQ(d, 9'000);
}

TEST(HeartbeatPublisher, BrokerFailureIsReportedAndTheNextOneGoesThrough) {
  StatusManager manager;
  testing::FakePublisher broker;
  SettableClock clock;
  HeartbeatPublisher hb(manager, broker, clock, "i", "k", 10s);
  broker.fail_next(1);
  EXPECT_FALSE(hb.publish_once());
  EXPECT_TRUE(hb.publish_once());
  EXPECT_EQ(broker.published().size(), 1u);
}

// A datastore that answers but cannot do its whole job (a replica whose
// replication stopped) shows its degraded status instead of RUNNING; a
// status other than RUNNING is never overridden.
TEST(HeartbeatPublisher, ARunningDatastoresDegradedStatusIsWhatTheHeartbeatSays) {
  const std::string kDegraded = "REPLICATION_ERROR";  // MySQL's, as a datastore declares it
  StatusManager manager;
  manager.set_degraded(kDegraded);
  testing::FakePublisher broker;
  SettableClock clock;
  HeartbeatPublisher hb(manager, broker, clock, "i", "k", 10s);
  ASSERT_TRUE(hb.publish_once());
  manager.set_status(common::service_status::kShutdown);
  ASSERT_TRUE(hb.publish_once());
  manager.set_status(common::service_status::kRunning);
  manager.set_degraded("");
  ASSERT_TRUE(hb.publish_once());
  const auto msgs = broker.published();
  ASSERT_EQ(msgs.size(), 3u);
  std::vector<std::string> statuses;
  for (const auto& m : msgs) {
    proto::Heartbeat beat;
    ASSERT_TRUE(beat.ParseFromString(parse_envelope(m.second).payload()));
    statuses.push_back(beat.service_status());
  }
  EXPECT_EQ(statuses, (std::vector<std::string>{kDegraded, common::service_status::kShutdown,
                                                common::service_status::kRunning}));
}

TEST(HeartbeatPublisher, ManagerThatCannotObserveReportsUnknown) {
  StatusManager manager;
  manager.fail = true;
  testing::FakePublisher broker;
  SettableClock clock;
  HeartbeatPublisher hb(manager, broker, clock, "i", "k", 10s);
  ASSERT_TRUE(hb.publish_once());
  proto::Heartbeat beat;
  ASSERT_TRUE(beat.ParseFromString(parse_envelope(broker.published()[0].second).payload()));
  EXPECT_EQ(beat.service_status(), common::service_status::kUnknown);
}

TEST(HeartbeatPublisher, LoopSendsOneAtStartThenOnNotifyWithoutWaitingTheInterval) {
  StatusManager manager;
  testing::FakePublisher broker;
  SettableClock clock;
  HeartbeatPublisher hb(manager, broker, clock, "i", "k", 1h);
  hb.start();
  ASSERT_TRUE(wait_for_messages(broker, 1));
  manager.set_status(common::service_status::kShutdown);
  hb.notify();
  ASSERT_TRUE(wait_for_messages(broker, 2));
  hb.stop();
  const auto msgs = broker.published();
  proto::Heartbeat last;
  ASSERT_TRUE(last.ParseFromString(parse_envelope(msgs.back().second).payload()));
  EXPECT_EQ(last.service_status(), "SHUTDOWN");
}

TEST(HeartbeatPublisher, LoopRepeatsEveryIntervalAndSurvivesBrokerOutages) {
  StatusManager manager;
  testing::FakePublisher broker;
  SettableClock clock;
  // An interval of 0: the loop repeats at once, so nothing waits in real time.
  HeartbeatPublisher hb(manager, broker, clock, "i", "k", 0ms);
  broker.fail_next(3);
  hb.start();
  ASSERT_TRUE(wait_for_messages(broker, 3));
  hb.stop();
  const size_t after_stop = broker.published().size();
  EXPECT_GE(after_stop, 3u);
  hb.stop();  // a second stop is harmless; the loop was joined by the first
  EXPECT_EQ(broker.published().size(), after_stop) << "nothing more arrives after stop()";
}

}  // namespace
}  // namespace automat::guestagent
