// The CQL the Cassandra guest writes: validation, quoting, keyspaces and
// roles from a PrepareRequest, redaction, and the keyspace listing.
#include <gtest/gtest.h>

#include "common/error.h"
#include "datastores/cassandra/guest_cassandra_auth.h"
#include "datastores/cassandra/guest_cassandra_cql.h"

namespace automat::datastores::cassandra {
namespace {

// Answers every statement with `result`, or throws `error` when set.
class ScriptedSession : public cql::Session {
 public:
  cql::ResultSet execute(const std::string& text, cql::Consistency) override {
    executed.push_back(text);
    if (error) throw *error;
    return result;
  }
  std::vector<std::string> executed;
  cql::ResultSet result;
  std::optional<common::Error> error;
};

proto::PrepareRequest request() {
  proto::PrepareRequest req;
  req.add_databases()->set_name("shop");
  auto* u = req.add_users();
  u->set_name("alice");
  u->set_password("it's-secret");
  u->add_databases("shop");
  return req;
}

TEST(CassandraCqlValidation, KeyspaceNames) {
  EXPECT_NO_THROW(validate_keyspace_name("Shop_2"));
  for (const char* bad : {"", "has-dash", "has space", "system_auth", "SYSTEM", "x\"y"}) {
    EXPECT_THROW(validate_keyspace_name(bad), common::Error) << bad;
  }
  EXPECT_THROW(validate_keyspace_name(std::string(49, 'k')), common::Error);
}

TEST(CassandraCqlValidation, RoleNamesAndPasswords) {
  EXPECT_NO_THROW(validate_role_name("app.user@x-1"));
  for (const char* bad : {"", "cassandra", "Root", "a b", "a'b", "a\"b"}) {
    EXPECT_THROW(validate_role_name(bad), common::Error) << bad;
  }
  EXPECT_NO_THROW(validate_role_name(kStandaloneAdmin));  // the admin itself is a role
  EXPECT_THROW(validate_user_name(kStandaloneAdmin), common::Error);
  EXPECT_THROW(validate_user_name("ring_admin", "ring_admin"), common::Error);
  EXPECT_NO_THROW(validate_user_name("alice", "ring_admin"));
  EXPECT_THROW(validate_password(""), common::Error);
  EXPECT_THROW(validate_password(std::string("a\0b", 3)), common::Error);
  EXPECT_NO_THROW(validate_password("p'w\"d"));
}

TEST(CassandraCqlReplication, SimpleAndPerDatacenter) {
  EXPECT_EQ(simple_replication(1), "{'class': 'SimpleStrategy', 'replication_factor': 1}");
  EXPECT_EQ(network_replication({{"dc1", 3}, {"dc2", 1}}),
            "{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 1}");
  EXPECT_THROW(network_replication({}), common::Error);
}

TEST(CassandraCqlReplication, AtMostThreePerDatacenter) {
  auto node = [](const char* dc) { return RingNode{"a", "UN", "r", dc, 0, "h"}; };
  EXPECT_EQ(replication_per_dc({node("dc1")}), (std::map<std::string, int>{{"dc1", 1}}));
  EXPECT_EQ(replication_per_dc({node("dc1"), node("dc1"), node("dc2")}),
            (std::map<std::string, int>{{"dc1", 2}, {"dc2", 1}}));
  EXPECT_EQ(replication_per_dc({node("dc1"), node("dc1"), node("dc1"), node("dc1")}),
            (std::map<std::string, int>{{"dc1", 3}}));
}

TEST(CassandraCqlPlan, KeyspacesThenRolesThenGrants) {
  const KeyspacePlan p = keyspaces_and_users_plan(request(), simple_replication(1));
  ASSERT_EQ(p.keyspaces.size(), 1u);
  EXPECT_EQ(p.keyspaces[0].text,
            "CREATE KEYSPACE IF NOT EXISTS \"shop\" WITH replication = {'class': "
            "'SimpleStrategy', 'replication_factor': 1}");
  ASSERT_EQ(p.roles.size(), 1u);
  EXPECT_EQ(p.roles[0].name, "alice");
  EXPECT_EQ(p.roles[0].password, "it's-secret");
  EXPECT_FALSE(p.roles[0].superuser);
  ASSERT_EQ(p.grants.size(), 1u);
  EXPECT_EQ(p.grants[0].text, "GRANT ALL PERMISSIONS ON KEYSPACE \"shop\" TO \"alice\"");
}

TEST(CassandraCqlPlan, ValidatesBeforeRendering) {
  auto req = request();
  req.mutable_users(0)->add_databases("bad-name");
  EXPECT_THROW(keyspaces_and_users_plan(req, simple_replication(1)), common::Error);
  auto reserved = request();
  reserved.mutable_users(0)->set_name("cassandra");
  EXPECT_THROW(validate_keyspaces_and_users(reserved), common::Error);
}

TEST(CassandraCqlRoles, CreateAndAlterStatements) {
  const RoleSpec user{"alice", "it's-secret", false};
  EXPECT_EQ(create_role_cql(user).text,
            "CREATE ROLE IF NOT EXISTS \"alice\" WITH PASSWORD = 'it''s-secret' AND LOGIN = true");
  EXPECT_EQ(create_role_cql(user).secrets, std::vector<std::string>{"it's-secret"});
  EXPECT_EQ(alter_role_cql(user).text,
            "ALTER ROLE \"alice\" WITH PASSWORD = 'it''s-secret' AND LOGIN = true");
  const RoleSpec admin{"admin", "pw", true};
  EXPECT_EQ(create_role_cql(admin).text,
            "CREATE ROLE IF NOT EXISTS \"admin\" WITH PASSWORD = 'pw' AND SUPERUSER = true AND "
            "LOGIN = true");
  // A re-apply without a password (removed after the first prepare) keeps it.
  const RoleSpec keep{"alice", "", false};
  EXPECT_EQ(alter_role_cql(keep).text, "ALTER ROLE \"alice\" WITH LOGIN = true");
  EXPECT_EQ(create_role_cql(keep).text, "CREATE ROLE IF NOT EXISTS \"alice\" WITH LOGIN = true");
}

TEST(CassandraCqlRoles, NewRoleCreatedExistingAltered) {
  ScriptedSession session;  // empty result: the role does not exist
  upsert_role(session, {"alice", "pw", false});
  ASSERT_EQ(session.executed.size(), 2u);
  EXPECT_EQ(session.executed[0], "SELECT role FROM system_auth.roles WHERE role = 'alice'");
  EXPECT_EQ(session.executed[1].rfind("CREATE ROLE", 0), 0u);
  ScriptedSession existing;
  existing.result.columns = {"role"};
  existing.result.rows = {{"alice"}};
  upsert_role(existing, {"alice", "pw", false});
  ASSERT_EQ(existing.executed.size(), 2u);
  EXPECT_EQ(existing.executed[1].rfind("ALTER ROLE", 0), 0u);
}

TEST(CassandraCqlRun, ErrorsKeepTheirCodeAndLoseTheSecret) {
  ScriptedSession session;
  session.error = common::bad_request("line 1:40 no viable alternative at input 'hunter2'");
  try {
    run_script(session, {{"CREATE ROLE x WITH PASSWORD = 'hunter2'", {"hunter2"}}});
    FAIL() << "no error";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
    EXPECT_EQ(std::string(e.what()), "line 1:40 no viable alternative at input '***'");
  }
  EXPECT_EQ(redact("a pw b pw", {"pw", ""}), "a *** b ***");
}

TEST(CassandraCqlKeyspaces, ShortClassAndOptions) {
  ScriptedSession session;
  session.result.columns = {"keyspace_name", "replication"};
  session.result.rows = {
      {"system_distributed",
       R"({"class":"org.apache.cassandra.locator.SimpleStrategy","replication_factor":"3"})"},
      {"shop", R"({"class":"org.apache.cassandra.locator.NetworkTopologyStrategy","dc1":"2"})"},
      {"system", R"({"class":"org.apache.cassandra.locator.LocalStrategy"})"},
  };
  const auto ks = list_keyspaces(session);
  ASSERT_EQ(ks.size(), 3u);
  EXPECT_EQ(ks[0]["name"], "shop");  // sorted
  EXPECT_EQ(ks[0]["class"], "NetworkTopologyStrategy");
  EXPECT_EQ(ks[0]["replication"], nlohmann::json({{"dc1", "2"}}));
  EXPECT_EQ(ks[2]["name"], "system_distributed");
  EXPECT_EQ(ks[2]["class"], "SimpleStrategy");
  EXPECT_EQ(ks[2]["replication"]["replication_factor"], "3");
  EXPECT_TRUE(ks[1]["replication"].empty());
  EXPECT_NE(session.executed.at(0).find("system_schema.keyspaces"), std::string::npos);
}

}  // namespace
}  // namespace automat::datastores::cassandra
