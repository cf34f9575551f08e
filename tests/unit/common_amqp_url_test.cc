// URL checks of make_amqp_publisher / make_amqp_consumer that need no broker:
// both parse the URL at once and connect lazily.
#include <gtest/gtest.h>

#include "common/broker.h"
#include "common/error.h"

namespace automat::common {
namespace {

void expect_bad_url(const std::string& url) {
  try {
    make_amqp_publisher(url);
    FAIL() << "accepted " << url;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBadRequest) << url;
  }
  EXPECT_THROW(make_amqp_consumer(url, "q", 1), Error) << url;
}

TEST(AmqpUrl, MalformedUrlsAreRejectedBeforeConnecting) {
  expect_bad_url("http://guest:guest@127.0.0.1:5672/");
  expect_bad_url("amqp://");
  expect_bad_url("amqp://user:pw@/vhost");
  expect_bad_url("amqp://host:notaport/");
  expect_bad_url("amqp://host:70000/");
  expect_bad_url("amqp://host/%zz");
  expect_bad_url("amqp://[::1/");
}

TEST(AmqpUrl, WellFormedUrlsAreAccepted) {
  for (const std::string url :
       {"amqp://guest:guest@127.0.0.1:5672/", "amqp://127.0.0.1", "amqp://u:p%40ss@h:1/%2f",
        "amqp://h/vhost", "amqp://[::1]:5672/"}) {
    EXPECT_NO_THROW(make_amqp_publisher(url)) << url;
    EXPECT_NO_THROW(make_amqp_consumer(url, "q", 10)) << url;
  }
}

TEST(AmqpUrl, UnreachableBrokerIsUnavailableAndHidesThePassword) {
  // Port 1 on loopback: nothing listens there.
  auto publisher = make_amqp_publisher("amqp://guest:s3cr3tpw@127.0.0.1:1/");
  try {
    publisher->publish("q", "body");
    FAIL() << "published without a broker";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
    const std::string msg = e.what();
    EXPECT_NE(msg.find("message broker unavailable"), std::string::npos) << msg;
    EXPECT_NE(msg.find("127.0.0.1:1"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("s3cr3tpw"), std::string::npos) << msg;
  }
  auto consumer = make_amqp_consumer("amqp://guest:s3cr3tpw@127.0.0.1:1/", "q", 1);
  try {
    consumer->next(std::chrono::milliseconds(10));
    FAIL() << "consumed without a broker";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
  }
}

}  // namespace
}  // namespace automat::common
