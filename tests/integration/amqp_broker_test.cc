// common/amqp_broker.cc against the real RabbitMQ of AUTOMAT_TEST_AMQP_URL.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "common/broker.h"
#include "common/error.h"
#include "tests/integration/amqp_test_support.h"

namespace automat::common {
namespace {

using namespace std::chrono_literals;
using testing::RawAmqp;

class AmqpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::amqp_test_url();
    raw_ = std::make_unique<RawAmqp>();
    queue_ = testing::unique_queue(::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  void TearDown() override {
    if (raw_) raw_->delete_queue(queue_);
  }

  // Waits up to `deadline_after` for a delivery.
  std::optional<Delivery> receive(Consumer& c, std::chrono::milliseconds deadline_after = 5s) {
    return c.next(deadline_after);
  }

  std::string url_;
  std::string queue_;
  std::unique_ptr<RawAmqp> raw_;
};

TEST_F(AmqpTest, RoundTripWithConfirmsPersistentAndDurable) {
  auto publisher = make_amqp_publisher(url_);
  const std::string binary("bin\0ary\xff", 8);
  publisher->publish(queue_, "first");
  publisher->publish(queue_, binary);
  // publish() returned only after the confirm: both are in the queue already.
  EXPECT_EQ(raw_->ready(queue_), 2u);
  EXPECT_TRUE(raw_->is_durable(queue_));

  auto consumer = make_amqp_consumer(url_, queue_, 10);
  auto a = receive(*consumer);
  auto b = receive(*consumer);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->body, "first");
  EXPECT_EQ(b->body, binary);
  EXPECT_FALSE(a->redelivered);
  EXPECT_NE(a->tag, b->tag);
  consumer->ack(b->tag, /*multiple=*/true);
  EXPECT_FALSE(consumer->next(200ms).has_value());
  consumer.reset();  // closing returns nothing: both were acked
  EXPECT_EQ(raw_->ready(queue_), 0u);
}

TEST_F(AmqpTest, MessagesArePersistent) {
  auto publisher = make_amqp_publisher(url_);
  publisher->publish(queue_, "keep me");
  auto got = raw_->get(queue_);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->first, AMQP_DELIVERY_PERSISTENT);
  EXPECT_EQ(got->second, "keep me");
}

TEST_F(AmqpTest, UnackedMessagesSurviveAConsumerRestart) {
  auto publisher = make_amqp_publisher(url_);
  for (const char* body : {"m1", "m2", "m3"}) publisher->publish(queue_, body);
  {
    auto first = make_amqp_consumer(url_, queue_, 10);
    auto m1 = receive(*first);
    auto m2 = receive(*first);
    ASSERT_TRUE(m1 && m2);
    first->ack(m1->tag);  // m2 stays unacknowledged when the consumer goes away
  }
  auto second = make_amqp_consumer(url_, queue_, 10);
  std::vector<std::string> bodies;
  bool m2_redelivered = false;
  while (auto d = second->next(1s)) {
    bodies.push_back(d->body);
    if (d->body == "m2") m2_redelivered = d->redelivered;
    second->ack(d->tag);
  }
  std::sort(bodies.begin(), bodies.end());
  EXPECT_EQ(bodies, (std::vector<std::string>{"m2", "m3"}));
  EXPECT_TRUE(m2_redelivered);
}

TEST_F(AmqpTest, ConsumerReconnectsAfterConnectionLossAndGetsUnackedBack) {
  auto publisher = make_amqp_publisher(url_);
  publisher->publish(queue_, "precious");
  const auto before = testing::sockets_to_port(raw_->port());
  auto consumer = make_amqp_consumer(url_, queue_, 10);
  auto d = receive(*consumer);
  ASSERT_TRUE(d.has_value());
  EXPECT_FALSE(d->redelivered);
  auto after = testing::sockets_to_port(raw_->port());
  std::set<int> mine;
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                      std::inserter(mine, mine.end()));
  ASSERT_EQ(mine.size(), 1u);
  testing::cut(mine);

  // The loss surfaces as kUnavailable; the following calls reconnect.
  std::optional<Delivery> again;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!again && std::chrono::steady_clock::now() < deadline) {
    try {
      again = consumer->next(500ms);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
    }
  }
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->body, "precious");
  EXPECT_TRUE(again->redelivered);
  // The old tag belongs to the lost connection: acking it is ignored and
  // does not break the new channel.
  consumer->ack(d->tag);
  consumer->ack(again->tag);
  EXPECT_FALSE(consumer->next(300ms).has_value());
  consumer.reset();
  EXPECT_EQ(raw_->ready(queue_), 0u);
}

TEST_F(AmqpTest, PublisherRecoversFromALostConnection) {
  auto publisher = make_amqp_publisher(url_);
  const auto before = testing::sockets_to_port(raw_->port());
  publisher->publish(queue_, "one");
  auto after = testing::sockets_to_port(raw_->port());
  std::set<int> mine;
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                      std::inserter(mine, mine.end()));
  ASSERT_EQ(mine.size(), 1u);
  testing::cut(mine);
  publisher->publish(queue_, "two");  // retried on a fresh connection
  EXPECT_EQ(raw_->ready(queue_), 2u);
}

TEST_F(AmqpTest, PublisherRedeclaresAQueueDeletedBehindItsBack) {
  auto publisher = make_amqp_publisher(url_);
  publisher->publish(queue_, "one");
  raw_->delete_queue(queue_);
  publisher->publish(queue_, "two");  // returned as unroutable, then redeclared
  EXPECT_EQ(raw_->ready(queue_), 1u);
  auto got = raw_->get(queue_);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->second, "two");
}

TEST_F(AmqpTest, PrefetchBoundsUnackedMessages) {
  auto publisher = make_amqp_publisher(url_);
  for (int i = 0; i < 5; ++i) publisher->publish(queue_, "m" + std::to_string(i));
  auto consumer = make_amqp_consumer(url_, queue_, 2);
  auto a = receive(*consumer);
  auto b = receive(*consumer);
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(consumer->next(300ms).has_value()) << "prefetch 2 exceeded";
  consumer->ack(b->tag, /*multiple=*/true);
  auto c = receive(*consumer);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->body, "m2");
  consumer->reject(c->tag, /*requeue=*/true);
  // m3 was already on its way (prefetch 2); m2 comes back after it.
  auto x = receive(*consumer);
  auto y = receive(*consumer);
  ASSERT_TRUE(x && y);
  const Delivery& m2 = x->body == "m2" ? *x : *y;
  const Delivery& m3 = x->body == "m2" ? *y : *x;
  EXPECT_EQ(m2.body, "m2");
  EXPECT_TRUE(m2.redelivered);
  EXPECT_EQ(m3.body, "m3");
  consumer->reject(m2.tag, /*requeue=*/false);  // dropped for good
  consumer->ack(m3.tag);
  auto m4 = receive(*consumer);
  ASSERT_TRUE(m4.has_value());
  EXPECT_EQ(m4->body, "m4");
  consumer->ack(m4->tag);
  EXPECT_FALSE(consumer->next(300ms).has_value());
}

TEST_F(AmqpTest, PublisherIsThreadSafe) {
  auto publisher = make_amqp_publisher(url_);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) publisher->publish(queue_, std::to_string(t * 100 + i));
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(raw_->ready(queue_), 100u);
}

TEST_F(AmqpTest, WrongCredentialsAreUnavailableWithoutLeakingThePassword) {
  std::string bad = url_;
  const auto at = bad.find('@');
  ASSERT_NE(at, std::string::npos);
  bad = "amqp://guest:not-the-Pa55word" + bad.substr(at);
  auto publisher = make_amqp_publisher(bad);
  try {
    publisher->publish(queue_, "x");
    FAIL() << "published with a wrong password";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
    EXPECT_EQ(std::string(e.what()).find("not-the-Pa55word"), std::string::npos) << e.what();
  }
}

TEST_F(AmqpTest, VhostSpellingsReachTheDefaultVhost) {
  std::string base = url_;
  while (!base.empty() && base.back() == '/') base.pop_back();
  for (const std::string& url : {base, base + "/", base + "/%2f", base + "/%2F"}) {
    auto publisher = make_amqp_publisher(url);
    publisher->publish(queue_, url);
  }
  EXPECT_EQ(raw_->ready(queue_), 4u);
}

}  // namespace
}  // namespace automat::common
