// GET /operations: the tenant's operations, filtered, paged, and finished
// ones only until [api] operation_expiry after they finished.
#include <gtest/gtest.h>

#include <chrono>

#include "common/status.h"
#include "tests/unit/api_test_env.h"

namespace automat::testing {
namespace {

using api::Method;
using nlohmann::json;
using namespace std::chrono_literals;

api::ApiLimits limits_with_expiry(std::chrono::seconds expiry) {
  api::ApiLimits limits;
  limits.operation_expiry = expiry;
  return limits;
}

// The operation that created `instance_id`.
std::string create_op_of(ApiTestEnv& env, const std::string& instance_id) {
  std::lock_guard<std::mutex> l(env.operations.mu);
  for (const auto& [id, op] : env.operations.operations) {
    if (op.resource_id == instance_id) return id;
  }
  throw std::runtime_error("no operation for " + instance_id);
}

void finish(ApiTestEnv& env, const std::string& op_id, const std::string& state) {
  ASSERT_TRUE(env.operations.claim(op_id, "tm", 30s));
  env.operations.finish(op_id, "tm", state, {{"127.10.0.9", "disk full"}}, "done");
}

json list(ApiTestEnv& env, const std::string& query = "", const std::string& tenant = "") {
  const std::string& t = tenant.empty() ? env.tenant_a : tenant;
  const api::Response r = env.call(Method::kGet, ApiTestEnv::url(t, "/operations" + query),
                                   t == env.tenant_a ? env.token_a : env.token_b);
  if (r.status != 200) throw std::runtime_error(std::to_string(r.status) + " " + r.body);
  return body_of(r);
}

std::vector<std::string> ids(const json& body) {
  std::vector<std::string> out;
  for (const auto& op : body["operations"]) out.push_back(op["id"]);
  return out;
}

TEST(OperationList, ListsTheTenantsOwnOldestFirstWithoutInputs) {
  ApiTestEnv env;
  env.operations.time->set(std::chrono::system_clock::now());
  const std::string first = create_op_of(env, env.add_instance(env.tenant_a, "BUILDING"));
  env.operations.time->advance(2s);
  const std::string second = create_op_of(env, env.add_instance(env.tenant_a, "BUILDING"));
  const std::string theirs = create_op_of(env, env.add_instance(env.tenant_b, "BUILDING"));

  const json body = list(env);
  EXPECT_EQ(ids(body), (std::vector<std::string>{first, second}));
  EXPECT_EQ(body["links"], json::array());
  const json& shown = body["operations"][0];
  EXPECT_EQ(shown["type"], "instance.create");
  EXPECT_EQ(shown["state"], "SUBMITTED");
  EXPECT_FALSE(shown.contains("input")) << "inputs may hold passwords";
  EXPECT_FALSE(shown.contains("checkpoint"));
  EXPECT_EQ(ids(list(env, "", env.tenant_b)), std::vector<std::string>{theirs});
}

TEST(OperationList, FiltersByStateTypeAndResource) {
  ApiTestEnv env;
  const std::string a = env.add_instance(env.tenant_a, "BUILDING");
  const std::string b = env.add_instance(env.tenant_a, "BUILDING");
  const std::string op_a = create_op_of(env, a);
  const std::string op_b = create_op_of(env, b);
  finish(env, op_a, common::op_state::kFailed);

  EXPECT_EQ(ids(list(env, "?state=FAILED")), std::vector<std::string>{op_a});
  EXPECT_EQ(ids(list(env, "?state=SUBMITTED")), std::vector<std::string>{op_b});
  EXPECT_EQ(ids(list(env, "?resource=" + b)), std::vector<std::string>{op_b});
  EXPECT_EQ(ids(list(env, "?type=instance.create&resource=" + a)), std::vector<std::string>{op_a});
  EXPECT_TRUE(ids(list(env, "?type=cluster.grow")).empty());
  const json failed = list(env, "?state=FAILED")["operations"][0];
  EXPECT_EQ(failed["errors"], json::array({{{"host", "127.10.0.9"}, {"message", "disk full"}}}));
}

TEST(OperationList, AFinishedOperationLeavesTheListAfterTheExpiryButStaysShown) {
  ApiTestEnv env(limits_with_expiry(3600s));
  env.operations.time->set(std::chrono::system_clock::now());
  const std::string done = create_op_of(env, env.add_instance(env.tenant_a, "BUILDING"));
  finish(env, done, common::op_state::kCompleted);
  env.operations.time->advance(1s);  // created later: listed after `done`
  const std::string running = create_op_of(env, env.add_instance(env.tenant_a, "BUILDING"));

  env.operations.time->advance(3598s);  // `done` finished 3599 s ago
  EXPECT_EQ(ids(list(env)), (std::vector<std::string>{done, running}));
  env.operations.time->advance(2s);
  EXPECT_EQ(ids(list(env)), std::vector<std::string>{running})
      << "finished more than operation_expiry ago";
  EXPECT_EQ(
      env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/operations/" + done), env.token_a)
          .status,
      200)
      << "GET /operations/{id} still shows it";
}

TEST(OperationList, PagesWithLimitAndMarker) {
  ApiTestEnv env;
  env.operations.time->set(std::chrono::system_clock::now());
  std::vector<std::string> made;
  for (int i = 0; i < 3; ++i) {
    made.push_back(create_op_of(env, env.add_instance(env.tenant_a, "BUILDING")));
    env.operations.time->advance(1s);
  }
  const json first = list(env, "?limit=2");
  EXPECT_EQ(ids(first), (std::vector<std::string>{made[0], made[1]}));
  ASSERT_EQ(first["links"].size(), 1u);
  EXPECT_NE(first["links"][0]["href"].get<std::string>().find("marker=" + made[1]),
            std::string::npos);
  EXPECT_EQ(ids(list(env, "?limit=2&marker=" + made[1])), std::vector<std::string>{made[2]});
}

TEST(OperationList, BadFiltersAre400NamingTheParameter) {
  ApiTestEnv env;
  const auto get = [&](const std::string& query) {
    return env.call(Method::kGet, ApiTestEnv::url(env.tenant_a, "/operations" + query),
                    env.token_a);
  };
  api::Response r = get("?state=DONE");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("state 'DONE' is not an operation state; use one of SUBMITTED, RUNNING, "
                        "COMPLETED, FAILED"),
            std::string::npos)
      << r.body;
  r = get("?type=");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("type must be 1 to 255 characters"), std::string::npos) << r.body;
  r = get("?resource=a%01b");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("resource must be 1 to 255 characters, none of them control characters"),
            std::string::npos)
      << r.body;
  r = get("?resource=" + std::string(256, 'x'));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(get("?marker=nope").status, 400);
  EXPECT_EQ(get("?limit=0").status, 400);
}

}  // namespace
}  // namespace automat::testing
