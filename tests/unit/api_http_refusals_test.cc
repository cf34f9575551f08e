// What the HTTP server answers itself (api/http_refusals.h) and its
// connection caps (api/connection_limiter.h).
#include <gtest/gtest.h>

#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "api/connection_limiter.h"
#include "api/http_refusals.h"

namespace automat::api {
namespace {

namespace http = boost::beast::http;

std::optional<Response> framing(std::initializer_list<std::pair<const char*, const char*>> list) {
  http::fields head;
  for (const auto& [name, value] : list) head.insert(name, value);
  return framing_refusal(head);
}

std::string message_of(const Response& r) {
  const auto body = nlohmann::json::parse(r.body);
  return body.begin().value()["message"];
}

TEST(FramingRefusal, OnlyContentLengthOrChunkedAlonePass) {
  EXPECT_FALSE(framing({}));
  EXPECT_FALSE(framing({{"Content-Length", "10"}}));
  EXPECT_FALSE(framing({{"Transfer-Encoding", "chunked"}}));
  EXPECT_FALSE(framing({{"Transfer-Encoding", "Chunked"}}));
  EXPECT_FALSE(framing({{"Transfer-Encoding", " chunked , "}}));
}

TEST(FramingRefusal, OtherCodingsAre501) {
  for (const char* te : {"identity", "xchunked", "gzip, chunked", "chunked, gzip", "deflate"}) {
    SCOPED_TRACE(te);
    const auto r = framing({{"Transfer-Encoding", te}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 501);
    EXPECT_NE(message_of(*r).find("is not supported"), std::string::npos);
  }
  const auto two_lines =
      framing({{"Transfer-Encoding", "identity"}, {"Transfer-Encoding", "chunked"}});
  ASSERT_TRUE(two_lines);
  EXPECT_EQ(two_lines->status, 501);
}

TEST(FramingRefusal, ChunkedTwiceEmptyOrWithContentLengthAre400) {
  const auto twice = framing({{"Transfer-Encoding", "chunked, chunked"}});
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->status, 400);
  EXPECT_NE(message_of(*twice).find("more than once"), std::string::npos);
  const auto empty = framing({{"Transfer-Encoding", ""}});
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 400);
  const auto both = framing({{"Transfer-Encoding", "identity"}, {"Content-Length", "5"}});
  ASSERT_TRUE(both);
  EXPECT_EQ(both->status, 400);
  EXPECT_EQ(message_of(*both), "send either Transfer-Encoding or Content-Length, not both");
}

TEST(ReadRefusal, SaysWhatIsWrongInTheProjectsWords) {
  EXPECT_EQ(read_refusal(http::error::body_limit, 100).status, 413);
  const Response bad = read_refusal(http::error::bad_method, 100);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(message_of(bad), "malformed HTTP request: the method is not valid");
  EXPECT_EQ(message_of(read_refusal(http::error::bad_version, 1)),
            "malformed HTTP request: the HTTP version is not valid");
}

TEST(OverloadAnswer, IsA503WithRetryAfterAndTheRequestId) {
  const std::string bytes = overload_answer("too many connections from your address", "req-1");
  EXPECT_EQ(bytes.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0), 0u);
  EXPECT_NE(bytes.find("\r\nRetry-After: 1\r\n"), std::string::npos);
  EXPECT_NE(bytes.find("\r\nX-Openstack-Request-Id: req-1\r\n"), std::string::npos);
  EXPECT_NE(bytes.find("\r\nConnection: close\r\n"), std::string::npos);
  const std::string body = bytes.substr(bytes.find("\r\n\r\n") + 4);
  EXPECT_NE(bytes.find("Content-Length: " + std::to_string(body.size())), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(body)["serviceUnavailable"]["message"],
            "too many connections from your address; retry later (request req-1)");
}

TEST(ConnectionLimiter, CapsEachClientAndTheTotal) {
  ConnectionLimiter limiter(3, 2);
  ConnectionLimiter::Refusal why{};
  auto a1 = limiter.admit("10.0.0.1");
  auto a2 = limiter.admit("10.0.0.1");
  ASSERT_TRUE(a1 && a2);
  EXPECT_FALSE(limiter.admit("10.0.0.1", &why));
  EXPECT_EQ(why, ConnectionLimiter::Refusal::kClient);
  auto b1 = limiter.admit("10.0.0.2", &why);
  ASSERT_TRUE(b1);
  EXPECT_EQ(why, ConnectionLimiter::Refusal::kNone);
  EXPECT_FALSE(limiter.admit("10.0.0.3", &why));
  EXPECT_EQ(why, ConnectionLimiter::Refusal::kTotal);
  EXPECT_EQ(limiter.open(), 3u);
  a1.reset();  // a slot given back frees both counts
  EXPECT_EQ(limiter.open_from("10.0.0.1"), 1u);
  EXPECT_TRUE(limiter.admit("10.0.0.3"));
  EXPECT_EQ(limiter.open(), 2u);  // the temporary above was given back at once
  a2.reset();
  b1.reset();
  EXPECT_EQ(limiter.open(), 0u);
  EXPECT_EQ(limiter.open_from("10.0.0.1"), 0u);
}

}  // namespace
}  // namespace automat::api
