// Root of an instance through the Router over a fake guest: enabled with a
// generated or given password (shown once), answered from the root-enabled
// history, disabled; Trove's status codes.
#include <gtest/gtest.h>

#include "tests/unit/database_admin_test_env.h"

namespace automat::testing {
namespace {

using api::Method;
using nlohmann::json;

class RootApiTest : public ::testing::Test {
 protected:
  DatabaseAdminTestEnv env;
  std::string id = env.active_instance();
  std::string root = "/instances/" + id + "/root";
};

TEST_F(RootApiTest, EnableShowDisable) {
  EXPECT_EQ(body_of(env.get(root)), json({{"rootEnabled", false}}));

  // troveclient posts no body at all when no password is given.
  api::Response r = env.request(Method::kPost, root);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r),
            json({{"user", {{"name", "root"}, {"password", "generated-root-secret"}}}}));
  EXPECT_TRUE(env.guest(id).root_password.has_value());
  EXPECT_EQ(body_of(env.get(root)), json({{"rootEnabled", true}}));

  r = env.request(Method::kDelete, root);
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(r.body.empty());
  EXPECT_FALSE(env.guest(id).root_password.has_value());
  EXPECT_EQ(body_of(env.get(root)), json({{"rootEnabled", false}}));
  r = env.request(Method::kDelete, root);
  EXPECT_EQ(r.status, 404) << "root is not enabled any more: " << r.body;
}

TEST_F(RootApiTest, AGivenPasswordIsUsed) {
  const api::Response r = env.post(root, {{"password", "chosen-root-pw"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["user"]["password"], "chosen-root-pw");
  EXPECT_EQ(env.guest(id).root_password, "chosen-root-pw");
  EXPECT_EQ(env.post(root, {{"password", "short"}}).status, 400) << "the published rule";
  EXPECT_EQ(env.post(root, {{"password", nullptr}}).status, 200) << "null: generate one";
}

TEST_F(RootApiTest, DisablingRootThatWasNeverEnabledIsNotFound) {
  const api::Response r = env.request(Method::kDelete, root);
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_NE(r.body.find("root has never been enabled"), std::string::npos) << r.body;
  EXPECT_TRUE(env.guest(id).calls.empty()) << "the guest was not asked";
}

TEST_F(RootApiTest, AFailedGuestRecordsNothing) {
  env.guests.reachable = false;
  EXPECT_EQ(env.request(Method::kPost, root).status, 503);
  env.guests.reachable = true;
  EXPECT_EQ(body_of(env.get(root)), json({{"rootEnabled", false}}));
}

TEST_F(RootApiTest, AnotherTenantsOrABusyInstanceIsRefused) {
  EXPECT_EQ(env.get(root, env.token_b).status, 404);
  env.instances.set_task(id, "DETACHING");
  EXPECT_EQ(env.request(Method::kPost, root).status, 422);
  EXPECT_EQ(env.get(root).status, 422);
}

TEST(RootApiWiring, WithoutTheRootHistoryRootIs501) {
  DatabaseAdminTestEnv env;
  env.services.root_history = nullptr;
  const std::string id = env.active_instance();
  EXPECT_EQ(env.request(Method::kPost, "/instances/" + id + "/root").status, 501);
}

}  // namespace
}  // namespace automat::testing
