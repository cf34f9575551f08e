// Routing, authentication and tenant scoping of the Router, in-process.
#include <gtest/gtest.h>

#include "api/router.h"
#include "common/error.h"
#include "tests/unit/api_test_env.h"

namespace automat::api {
namespace {

using nlohmann::json;
using testing::ApiTestEnv;
using testing::body_of;

void expect_fault(const Response& r, int status, const char* fault, const std::string& text = "") {
  EXPECT_EQ(r.status, status) << r.body;
  const json body = body_of(r);
  ASSERT_TRUE(body.contains(fault)) << r.body;
  EXPECT_EQ(body[fault]["code"], status);
  EXPECT_NE(body[fault]["message"].get<std::string>().find(text), std::string::npos) << r.body;
}

TEST(Router, VersionsDocumentNeedsNoToken) {
  ApiTestEnv env;
  const Response r = env.call(Method::kGet, "/", "");
  ASSERT_EQ(r.status, 200);
  const json body = body_of(r);
  EXPECT_EQ(body["versions"][0]["id"], "v1.0");
  EXPECT_EQ(body["versions"][0]["status"], "CURRENT");
  EXPECT_EQ(body["versions"][0]["links"][0]["href"], "http://api.example:8779/v1.0/");
}

TEST(Router, MissingOrUnknownTokenIs401) {
  ApiTestEnv env;
  expect_fault(env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/instances"), ""), 401,
               "unauthorized", "X-Auth-Token");
  expect_fault(env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/instances"), "nope"), 401,
               "unauthorized");
}

TEST(Router, TokenOfAnotherTenantIs403) {
  ApiTestEnv env;
  expect_fault(env.call(Method::kGet, ApiTestEnv::url(env.tenant_b, "/instances"), env.token_a),
               403, "forbidden");
  EXPECT_EQ(env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/instances"), env.token_a).status,
            200);
}

TEST(Router, AdminMayActOnAnyTenantScopedToTheUrl) {
  ApiTestEnv env;
  const std::string b_instance = env.add_instance(env.tenant_b, "NONE");
  env.add_instance(env.tenant_a, "NONE");
  const Response r =
      env.call(Method::kGet, ApiTestEnv::url(env.tenant_b, "/instances"), env.admin_token);
  ASSERT_EQ(r.status, 200) << r.body;
  const json list = body_of(r)["instances"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], b_instance);
}

TEST(Router, AnotherTenantsInstanceIs404LikeAMissingOne) {
  ApiTestEnv env;
  const std::string b_instance = env.add_instance(env.tenant_b, "NONE");
  const Response theirs = env.call(
      Method::kGet, ApiTestEnv::url(env.tenant_a, "/instances/" + b_instance), env.token_a);
  const Response missing = env.call(
      Method::kGet, ApiTestEnv::url(env.tenant_a, "/instances/" + b_instance + "0"), env.token_a);
  expect_fault(theirs, 404, "itemNotFound", "instance " + b_instance + " was not found");
  expect_fault(missing, 404, "itemNotFound");
  // Same wording apart from the id itself.
  EXPECT_EQ(body_of(missing)["itemNotFound"]["message"],
            "instance " + b_instance + "0 was not found");
  // Delete is scoped too: nothing happens to B's instance.
  expect_fault(env.call(Method::kDelete, ApiTestEnv::url(env.tenant_a, "/instances/" + b_instance),
                        env.token_a),
               404, "itemNotFound");
  EXPECT_EQ(env.instances.find(env.tenant_b, b_instance)->task, "NONE");
}

TEST(Router, AnotherTenantsOperationIs404) {
  ApiTestEnv env;
  env.add_instance(env.tenant_b, "NONE");
  const std::string op_id = env.instances.created_operations.back().id;
  expect_fault(
      env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/operations/" + op_id), env.token_a),
      404, "itemNotFound", "operation " + op_id + " was not found");
  EXPECT_EQ(
      env.call(Method::kGet, ApiTestEnv::url(env.tenant_b, "/operations/" + op_id), env.token_b)
          .status,
      200);
}

TEST(Router, UnknownPathsAre404) {
  ApiTestEnv env;
  expect_fault(env.call(Method::kGet, "/nothing", ""), 404, "itemNotFound", "/nothing");
  for (const char* path : {"/widgets", "/instances/a/b", "/datastores/mysql/other",
                           "/datastores/mysql/versions/1/x", "/operations/a/b", "/flavors/1/x"}) {
    SCOPED_TRACE(path);
    expect_fault(env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, path), env.token_a), 404,
                 "itemNotFound");
  }
}

TEST(Router, WrongMethodIs405WithAllow) {
  ApiTestEnv env;
  const struct {
    Method method;
    const char* path;
    const char* allow;
  } cases[] = {
      {Method::kPut, "/instances", "GET, POST"},
      {Method::kPost, "/instances/abc", "GET, PUT, DELETE"},
      {Method::kGet, "/instances/abc/action", "POST"},
      {Method::kDelete, "/instances/detail", "GET"},
      {Method::kPost, "/flavors", "GET"},
      {Method::kDelete, "/datastores/mysql", "GET"},
      {Method::kPatch, "/operations/x", "GET"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    const Response r = env.call(c.method, ApiTestEnv::url(env.tenant_a, c.path), env.token_a);
    expect_fault(r, 405, "badMethod");
    EXPECT_EQ(r.allow, c.allow);
  }
  EXPECT_EQ(env.call(Method::kPost, "/", "").status, 405);
}

TEST(Router, QueryStringAndTrailingSlashAreIgnored) {
  ApiTestEnv env;
  EXPECT_EQ(env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/flavors/?limit=2"), env.token_a)
                .status,
            200);
  const Response r =
      env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/flavors/m1%2Etiny"), env.token_a);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["flavor"]["str_id"], "1");
  expect_fault(env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/flavors/%zz"), env.token_a),
               400, "badRequest", "%-escape");
}

TEST(Router, BodyOverTheLimitIs413) {
  ApiLimits limits;
  limits.max_body_bytes = 100;
  ApiTestEnv env(limits);
  const Response r = env.call(Method::kPost, ApiTestEnv::url(env.tenant_a, "/instances"),
                              env.token_a, std::string(101, ' '));
  expect_fault(r, 413, "overLimit", "100 bytes");
  EXPECT_EQ(env.operation_count(), 0u);
}

TEST(Router, MalformedJsonIs400WithoutEchoingTheBody) {
  ApiTestEnv env;
  const Response r = env.call(Method::kPost, ApiTestEnv::url(env.tenant_a, "/instances"),
                              env.token_a, R"({"instance": {"name": "x", "password": "hunter22)");
  expect_fault(r, 400, "badRequest", "not valid JSON");
  EXPECT_EQ(r.body.find("hunter22"), std::string::npos);
  expect_fault(env.call(Method::kPost, ApiTestEnv::url(env.tenant_a, "/instances"), env.token_a),
               400, "badRequest", "empty");
}

TEST(Router, TokensAreCachedForTheConfiguredTime) {
  ApiLimits limits;
  limits.token_cache_seconds = 30;
  ApiTestEnv env(limits);
  const std::string url = ApiTestEnv::url(env.tenant_a, "/flavors");
  ASSERT_EQ(env.call(Method::kGet, url, env.token_a).status, 200);
  // Revoked in the database: still honoured from the cache, until it expires.
  env.tokens.tokens.erase(common::crypto::sha256_hex(env.token_a));
  EXPECT_EQ(env.call(Method::kGet, url, env.token_a).status, 200);
  env.clock.advance(std::chrono::seconds(31));
  EXPECT_EQ(env.call(Method::kGet, url, env.token_a).status, 401);
}

TEST(Router, TokenCacheCanBeDisabled) {
  ApiLimits limits;
  limits.token_cache_seconds = 0;
  ApiTestEnv env(limits);
  const std::string url = ApiTestEnv::url(env.tenant_a, "/flavors");
  ASSERT_EQ(env.call(Method::kGet, url, env.token_a).status, 200);
  env.tokens.tokens.erase(common::crypto::sha256_hex(env.token_a));
  EXPECT_EQ(env.call(Method::kGet, url, env.token_a).status, 401);
}

TEST(Router, DatabaseOutageIs503) {
  ApiTestEnv env;
  env.instances.unavailable = true;
  expect_fault(env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/instances"), env.token_a),
               503, "serviceUnavailable");
}

const DatastoreStrategy* exploding_strategy(const std::string&) {
  struct Exploding : DatastoreStrategy {
    void validate_instance_create(const InstanceCreateRequest&, const db::Flavor&,
                                  const db::DatastoreVersion&) const override {
      throw std::runtime_error("secret internals at 0xdeadbeef");
    }
  };
  static const Exploding kExploding;
  return &kExploding;
}

TEST(Router, UnexpectedExceptionIs500WithoutDetails) {
  ApiTestEnv env;
  env.services.strategies = &exploding_strategy;
  const Response r = env.call(Method::kPost, ApiTestEnv::url(env.tenant_a, "/instances"),
                              env.token_a, testing::valid_create_body().dump());
  expect_fault(r, 500, "instanceFault");
  EXPECT_EQ(r.body.find("deadbeef"), std::string::npos);
  EXPECT_EQ(env.publisher.published().size(), 0u);
}

TEST(SplitPath, DecodesAndDropsEmptySegments) {
  EXPECT_EQ(split_path("//v1.0/t%20x//instances/?a=b"),
            (std::vector<std::string>{"v1.0", "t x", "instances"}));
  EXPECT_TRUE(split_path("/").empty());
  EXPECT_THROW(split_path("/a%4"), common::Error);
}

}  // namespace
}  // namespace automat::api
