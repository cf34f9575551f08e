#include "conductor/conductor_consumer.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "common/error.h"
#include "tests/fakes/fake_broker.h"
#include "tests/unit/conductor_test_util.h"

namespace automat::conductor {
namespace {

using namespace std::chrono_literals;
using testing::heartbeat_message;

class ConsumerTest : public ::testing::Test {
 protected:
  ConsumerOptions options() {
    ConsumerOptions o;
    o.max_batch = 4;
    o.first_wait = 1ms;
    o.drain_idle = 1ms;
    o.min_backoff = 1ms;
    o.max_backoff = 4ms;
    o.pause = [this](common::StopSignal& stop, std::chrono::milliseconds d) {
      backoffs.push_back(d);  // only run()'s thread pauses
      return stop.requested();
    };
    return o;
  }

  std::vector<std::chrono::milliseconds> backoffs;  // read once run() returned

  testing::CountingHeartbeatRepository repo;
  testing::FakeConsumer broker;
  GuestMessageHandler handler{repo, testing::kGuestSecret};
  ConductorConsumer consumer{broker, handler, options()};
};

TEST_F(ConsumerTest, RecordsABatchThenAcksItAllAtOnce) {
  broker.push(heartbeat_message("a", 1, "RUNNING"));
  broker.push(heartbeat_message("b", 1, "RUNNING"));
  broker.push(heartbeat_message("c", 1, "RUNNING"));
  EXPECT_EQ(consumer.poll_once(), 3u);
  EXPECT_EQ(repo.batches, 1);
  ASSERT_EQ(broker.acks().size(), 1u);
  EXPECT_EQ(broker.acks()[0].tag, 3u);
  EXPECT_TRUE(broker.acks()[0].multiple);
  EXPECT_EQ(broker.unacked(), 0u);
  EXPECT_EQ(repo.fake.statuses.size(), 3u);
}

TEST_F(ConsumerTest, ForgedMessagesAreAckedToo) {
  // A forged message must not come back forever: it is dropped and acked.
  broker.push(heartbeat_message("a", 1, "FAILED", {}, "forged-key"));
  EXPECT_EQ(consumer.poll_once(), 1u);
  EXPECT_EQ(broker.unacked(), 0u);
  EXPECT_EQ(broker.ready(), 0u);
  EXPECT_TRUE(repo.fake.statuses.empty());
}

TEST_F(ConsumerTest, BatchesAreBoundedByMaxBatch) {
  for (int i = 0; i < 10; ++i)
    broker.push(heartbeat_message("i" + std::to_string(i), 1, "RUNNING"));
  EXPECT_EQ(consumer.poll_once(), 4u);
  EXPECT_EQ(consumer.poll_once(), 4u);
  EXPECT_EQ(consumer.poll_once(), 2u);
  EXPECT_EQ(consumer.poll_once(), 0u);
  EXPECT_EQ(repo.batch_sizes, (std::vector<size_t>{4, 4, 2}));
  EXPECT_EQ(broker.acks().size(), 3u);
  EXPECT_EQ(repo.fake.statuses.size(), 10u);
}

TEST_F(ConsumerTest, NothingToDoTouchesNothing) {
  EXPECT_EQ(consumer.poll_once(), 0u);
  EXPECT_EQ(repo.batches, 0);
  EXPECT_TRUE(broker.acks().empty());
}

TEST_F(ConsumerTest, DatabaseOutageRequeuesTheBatchUnacked) {
  broker.push(heartbeat_message("a", 1, "RUNNING"));
  broker.push(heartbeat_message("b", 1, "RUNNING"));
  repo.fake.unavailable = true;
  EXPECT_THROW(consumer.poll_once(), common::Error);
  EXPECT_TRUE(broker.acks().empty());
  ASSERT_EQ(broker.rejects().size(), 2u);
  EXPECT_TRUE(broker.rejects()[0].requeue);
  EXPECT_TRUE(broker.rejects()[1].requeue);
  EXPECT_EQ(broker.ready(), 2u);

  repo.fake.unavailable = false;
  EXPECT_EQ(consumer.poll_once(), 2u);
  EXPECT_EQ(broker.acks().size(), 1u);
  EXPECT_EQ(repo.fake.statuses.size(), 2u);
}

TEST_F(ConsumerTest, BrokerFailureIsThrownWithoutAcking) {
  broker.fail_next();
  EXPECT_THROW(consumer.poll_once(), common::Error);
  EXPECT_TRUE(broker.acks().empty());
  EXPECT_EQ(repo.batches, 0);
}

TEST_F(ConsumerTest, RunBacksOffThroughOutagesAndStops) {
  broker.push(heartbeat_message("a", 1, "RUNNING"));
  repo.fake.unavailable = true;
  common::StopSignal stop;
  std::thread loop([&] { consumer.run(stop); });
  // Wait (with a deadline) until the outage has been hit a few times.
  EXPECT_TRUE(broker.changes.await([&] { return broker.rejects().size() >= 3; }));
  {
    std::lock_guard<std::mutex> lock(repo.fake.mu);
    repo.fake.unavailable = false;
  }
  EXPECT_TRUE(broker.changes.await([&] { return !broker.acks().empty(); }));
  stop.request();
  loop.join();
  EXPECT_EQ(broker.acks().size(), 1u);
  EXPECT_EQ(broker.unacked(), 0u);
  ASSERT_GE(backoffs.size(), 3u);
  EXPECT_EQ(backoffs[0], 1ms);
  EXPECT_EQ(backoffs[1], 2ms) << "doubling";
  EXPECT_EQ(backoffs[2], 4ms);
  EXPECT_EQ(backoffs.back(), 4ms) << "up to the max";
}

}  // namespace
}  // namespace automat::conductor
