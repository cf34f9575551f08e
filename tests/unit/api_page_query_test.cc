// ?limit and ?marker of a list request, and the next link Trove's clients follow.
#include <gtest/gtest.h>

#include "api/instance_guest.h"
#include "api/page_query.h"
#include "common/error.h"

namespace automat::api {
namespace {

Request get(const std::string& target) {
  Request r;
  r.target = target;
  return r;
}

TEST(PageQuery, DefaultsAndCapsTheLimit) {
  PageQuery q = page_query(get("/v1.0/t/instances/i/users"), 20);
  EXPECT_EQ(q.limit, 20);
  EXPECT_FALSE(q.limit_given);
  EXPECT_EQ(q.marker, "");
  q = page_query(get("/x?limit=500"), 20);
  EXPECT_EQ(q.limit, 20);
  EXPECT_TRUE(q.limit_given);
  q = page_query(get("/x?other=1&limit=5&marker=app%40%25"), 20);
  EXPECT_EQ(q.limit, 5);
  EXPECT_EQ(q.marker, "app@%");
}

TEST(PageQuery, RefusesWhatIsNotAPositiveLimit) {
  for (const char* bad : {"/x?limit=0", "/x?limit=-1", "/x?limit=2x", "/x?limit=", "/x?limit=%ZZ",
                          "/x?marker=a%00b", "/x?limit=99999999999999999999"}) {
    EXPECT_THROW(page_query(get(bad), 20), common::Error) << bad;
  }
}

TEST(PageQuery, TheNextLinkKeepsTheLimitAndEncodesTheMarker) {
  const LinkBase links{"http://api:8779", "tenant-1"};
  PageQuery q = page_query(get("/x?limit=2"), 20);
  EXPECT_EQ(next_link(links, "/instances/i/users", q, "app@%")["href"],
            "http://api:8779/v1.0/tenant-1/instances/i/users?limit=2&marker=app%40%25");
  q = page_query(get("/x"), 20);
  EXPECT_EQ(next_link(links, "/instances/i/databases", q, "db 1")["href"],
            "http://api:8779/v1.0/tenant-1/instances/i/databases?marker=db%201");
  EXPECT_EQ(next_link(links, "/p", q, "m")["rel"], "next");
}

TEST(UserRef, IsSplitAtTheLastAtSignAsTroveDoes) {
  EXPECT_EQ(user_ref_of("app").name(), "app");
  EXPECT_EQ(user_ref_of("app").host(), "%");
  EXPECT_EQ(user_ref_of("app@10.0.0.%").host(), "10.0.0.%");
  EXPECT_EQ(user_ref_of("a@b@host").name(), "a@b");
  EXPECT_EQ(user_ref_of("a@b@host").host(), "host");
  EXPECT_EQ(user_ref_of("app@").name(), "app");
  EXPECT_EQ(user_ref_of("app@").host(), "%");
}

}  // namespace
}  // namespace automat::api
