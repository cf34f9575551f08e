// The databases and users routes (Trove's extensions) through the Router,
// over a fake guest: bodies, status codes, paging, the user@host path form,
// the checks every call passes first, and what the guest's errors become.
#include <gtest/gtest.h>

#include "tests/unit/database_admin_test_env.h"

namespace automat::testing {
namespace {

using api::Method;
using nlohmann::json;

class DatabaseAdminApiTest : public ::testing::Test {
 protected:
  DatabaseAdminTestEnv env;
  std::string id = env.active_instance();
  std::string base = "/instances/" + id;
};

TEST_F(DatabaseAdminApiTest, DatabasesAreCreatedListedAndDeleted) {
  api::Response r =
      env.post(base + "/databases", {{"databases",
                                      {{{"name", "shop"}, {"character_set", "utf8mb4"}},
                                       {{"name", "crm"}, {"collate", nullptr}}}}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(env.guest(id).databases.at("shop").character_set(), "utf8mb4");

  r = env.get(base + "/databases");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r), json({{"databases", {{{"name", "crm"}}, {{"name", "shop"}}}},
                              {"links", json::array()}}));

  EXPECT_EQ(env.del(base + "/databases/crm").status, 202);
  EXPECT_EQ(env.guest(id).databases.count("crm"), 0u);
}

TEST_F(DatabaseAdminApiTest, TheGuestIsReachedAtTheInstanceAddressWithTheConfiguredDeadline) {
  ASSERT_EQ(env.get(base + "/databases").status, 200);
  ASSERT_EQ(env.guests.connects.size(), 1u);
  const auto& [endpoint, deadline] = env.guests.connects[0];
  EXPECT_EQ(endpoint.instance_id, id);
  EXPECT_EQ(endpoint.address, "127.10.0.5");
  EXPECT_EQ(endpoint.guest_port, 8790);
  EXPECT_EQ(deadline, std::chrono::seconds(7));
}

TEST_F(DatabaseAdminApiTest, ListsArePagedWithANextLink) {
  for (int i = 0; i < 25; ++i) {
    const std::string name = "db" + std::string(i < 10 ? "0" : "") + std::to_string(i);
    env.guest(id).databases[name].set_name(name);
  }
  json page = body_of(env.get(base + "/databases"));
  ASSERT_EQ(page["databases"].size(), 20u) << "pages are capped at 20";
  ASSERT_EQ(page["links"].size(), 1u);
  EXPECT_EQ(page["links"][0]["rel"], "next");
  EXPECT_EQ(page["links"][0]["href"],
            "http://api.example:8779/v1.0/" + env.tenant_a + base + "/databases?marker=db19");

  page = body_of(env.get(base + "/databases?limit=3&marker=db19"));
  ASSERT_EQ(page["databases"].size(), 3u);
  EXPECT_EQ(page["databases"][0]["name"], "db20");
  EXPECT_EQ(page["links"][0]["href"], "http://api.example:8779/v1.0/" + env.tenant_a + base +
                                          "/databases?limit=3&marker=db22");
  page = body_of(env.get(base + "/databases?limit=3&marker=db22"));
  EXPECT_EQ(page["databases"].size(), 2u);
  EXPECT_EQ(page["links"], json::array()) << "the last page has no next link";

  EXPECT_EQ(env.get(base + "/databases?limit=0").status, 400);
  EXPECT_EQ(env.get(base + "/databases?limit=x").status, 400);
}

TEST_F(DatabaseAdminApiTest, TheGuestsRefusalsReachTheCallerAs4xx) {
  env.guest(id).databases["shop"].set_name("shop");
  api::Response r = env.post(base + "/databases", {{"databases", {{{"name", "shop"}}}}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("database 'shop' already exists"), std::string::npos) << r.body;
  r = env.del(base + "/databases/ghost");
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_NE(r.body.find("itemNotFound"), std::string::npos);

  env.guest(id).fail_with = common::conflict("the MySQL instance is busy with another change");
  r = env.get(base + "/databases");
  EXPECT_EQ(r.status, 409) << r.body;
  env.guest(id).fail_with.reset();
  env.guests.reachable = false;
  EXPECT_EQ(env.get(base + "/databases").status, 503);
  env.guests.reachable = true;
  env.guests.unimplemented = true;
  r = env.get(base + "/users");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("mysql datastore"), std::string::npos) << r.body;
}

TEST_F(DatabaseAdminApiTest, UsersAreCreatedShownUpdatedAndDeleted) {
  env.guest(id).databases["shop"].set_name("shop");
  api::Response r = env.post(
      base + "/users",
      {{"users",
        {{{"name", "app"}, {"password", "s3cret-pass"}, {"databases", {{{"name", "shop"}}}}},
         {{"name", "web.reader"},
          {"password", "s3cret-pass"},
          {"host", "10.0.%"},
          {"databases", {"shop"}}}}}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(env.guest(id).users.at("app@%").password, "s3cret-pass");

  r = env.get(base + "/users");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["users"][0],
            json({{"name", "app"}, {"host", "%"}, {"databases", {{{"name", "shop"}}}}}));
  EXPECT_EQ(r.body.find("s3cret"), std::string::npos) << "no password is ever answered";

  // Trove's clients send "name@host" percent-encoded, '.' as %2e.
  r = env.get(base + "/users/web%2ereader%4010%2e0%2e%25");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r)["user"]["host"], "10.0.%");
  EXPECT_EQ(env.get(base + "/users/app").status, 200) << "no host is %";
  EXPECT_EQ(env.get(base + "/users/ghost").status, 404);

  r = env.put(base + "/users/app", {{"user", {{"name", "shopper"}, {"password", "n3w-secret"}}}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(env.guest(id).users.at("shopper@%").password, "n3w-secret");
  EXPECT_EQ(env.guest(id).users.count("app@%"), 0u);

  EXPECT_EQ(env.del(base + "/users/shopper%40%25").status, 202);
  EXPECT_EQ(env.guest(id).users.count("shopper@%"), 0u);
  EXPECT_EQ(env.del(base + "/users/shopper").status, 404);
}

TEST_F(DatabaseAdminApiTest, PasswordsChangeForExistingUsersOnly) {
  env.guest(id).users["app@%"].password = "old";
  api::Response r =
      env.put(base + "/users", {{"users", {{{"name", "app"}, {"password", "brand-new-1"}}}}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(env.guest(id).users.at("app@%").password, "brand-new-1");
  r = env.put(base + "/users", {{"users",
                                 {{{"name", "app"}, {"password", "another-one"}},
                                  {{"name", "ghost"}, {"password", "another-one"}}}}});
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(env.guest(id).users.at("app@%").password, "brand-new-1") << "all or none";
}

TEST_F(DatabaseAdminApiTest, AccessIsListedGrantedAndRevoked) {
  for (const char* db : {"shop", "crm"}) env.guest(id).databases[db].set_name(db);
  env.guest(id).users["app@%"];
  ASSERT_EQ(env.put(base + "/users/app/databases",
                    {{"databases", {{{"name", "shop"}}, {{"name", "crm"}}}}})
                .status,
            202);
  api::Response r = env.get(base + "/users/app/databases");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_of(r), json({{"databases", {{{"name", "crm"}}, {{"name", "shop"}}}}}));
  EXPECT_EQ(env.put(base + "/users/app/databases", {{"databases", {{{"name", "nope"}}}}}).status,
            404);
  EXPECT_EQ(env.del(base + "/users/app%40%25/databases/crm").status, 202);
  EXPECT_EQ(env.guest(id).users.at("app@%").databases, std::set<std::string>{"shop"});
  EXPECT_EQ(env.del(base + "/users/app/databases/crm").status, 404) << "no access left to revoke";
}

TEST_F(DatabaseAdminApiTest, AnotherTenantsInstanceIsNotFound) {
  const api::Response r = env.get(base + "/databases", env.token_b);
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_TRUE(env.guests.connects.empty()) << "no guest was called";
}

TEST_F(DatabaseAdminApiTest, AnInstanceThatIsNotActiveAndIdleIsUnprocessable) {
  const std::string building = env.add_instance(env.tenant_a, "BUILDING", "NEW");
  api::Response r = env.get("/instances/" + building + "/users");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("is BUILD"), std::string::npos) << r.body;
  env.instances.set_service_status(id, "SHUTDOWN");
  r = env.post(base + "/databases", {{"databases", {{{"name", "shop"}}}}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("is SHUTDOWN"), std::string::npos) << r.body;
  env.instances.set_service_status(id, "RUNNING");
  env.instances.set_task(id, "PROMOTING");
  EXPECT_EQ(env.get(base + "/databases").status, 422);
  EXPECT_TRUE(env.guests.connects.empty());
}

TEST_F(DatabaseAdminApiTest, AReplicaIsReadButNotChanged) {
  const std::string replica = env.active_instance("127.10.0.6");
  env.instances.set_slave_of(replica, id);
  const std::string path = "/instances/" + replica;
  EXPECT_EQ(env.get(path + "/databases").status, 200);
  api::Response r = env.post(path + "/databases", {{"databases", {{{"name", "shop"}}}}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("read-only replica of " + id), std::string::npos) << r.body;
  EXPECT_EQ(
      env.post(path + "/users", {{"users", {{{"name", "a"}, {"password", "p4ssword"}}}}}).status,
      422);
  EXPECT_EQ(env.del(path + "/users/a").status, 422);
  EXPECT_EQ(env.post(path + "/root", json::object()).status, 422);
  EXPECT_TRUE(env.guest(replica).calls == std::vector<std::string>{"ListDatabases"});
}

TEST_F(DatabaseAdminApiTest, BodiesAreCheckedAgainstThePublishedSchemas) {
  EXPECT_EQ(env.post(base + "/databases", {{"databases", {{{"name", 5}}}}}).status, 400);
  EXPECT_EQ(env.post(base + "/databases", json::object()).status, 400);
  EXPECT_EQ(env.put(base + "/users/app", {{"user", json::object()}}).status, 400);
  EXPECT_EQ(env.post(base + "/users", {{"users", {{{"name", "app"}}}}}).status, 400)
      << "a password is required";
  EXPECT_EQ(env.put(base + "/users/app/databases", {{"databases", "shop"}}).status, 400);
  EXPECT_TRUE(env.guests.connects.empty());
}

TEST(DatabaseAdminApiWiring, WithoutGuestsTheRoutesAre501) {
  ApiTestEnv env;
  const std::string id = env.add_instance(env.tenant_a, "NONE");
  const api::Response r = env.call(
      Method::kGet, ApiTestEnv::url(env.tenant_a, "/instances/" + id + "/users"), env.token_a);
  EXPECT_EQ(r.status, 501) << r.body;
}

}  // namespace
}  // namespace automat::testing
