// The CQL the Cassandra guest writes: validation, quoting, keyspaces and
// roles from a PrepareRequest, redaction, and the keyspace listing.
#include <gtest/gtest.h>

#include "common/error.h"
#include "datastores/cassandra/guest_cassandra_auth.h"
#include "datastores/cassandra/guest_cassandra_cql.h"

namespace automat::datastores::cassandra {
namespace {

namespace cql = common::cql;

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

TEST(CassandraCqlScript, KeyspacesThenRolesThenGrants) {
  const CqlScript s = keyspaces_and_users_cql(request(), simple_replication(1));
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].text,
            "CREATE KEYSPACE IF NOT EXISTS \"shop\" WITH replication = {'class': "
            "'SimpleStrategy', 'replication_factor': 1}");
  EXPECT_EQ(s[1].text,
            "CREATE ROLE IF NOT EXISTS \"alice\" WITH PASSWORD = 'it''s-secret' AND LOGIN = true");
  EXPECT_EQ(s[2].text, "ALTER ROLE \"alice\" WITH PASSWORD = 'it''s-secret' AND LOGIN = true");
  EXPECT_EQ(s[3].text, "GRANT ALL PERMISSIONS ON KEYSPACE \"shop\" TO \"alice\"");
  EXPECT_EQ(s[1].secrets, std::vector<std::string>{"it's-secret"});
  EXPECT_TRUE(s[0].secrets.empty());
}

TEST(CassandraCqlScript, ReapplyWithoutPasswordKeepsIt) {
  auto req = request();
  req.mutable_users(0)->clear_password();
  const CqlScript s = keyspaces_and_users_cql(req, simple_replication(1));
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[1].text, "CREATE ROLE IF NOT EXISTS \"alice\" WITH LOGIN = true");
  for (const auto& st : s) EXPECT_EQ(st.text.find("PASSWORD"), std::string::npos) << st.text;
}

TEST(CassandraCqlScript, ValidatesBeforeRendering) {
  auto req = request();
  req.mutable_users(0)->add_databases("bad-name");
  EXPECT_THROW(keyspaces_and_users_cql(req, simple_replication(1)), common::Error);
  auto reserved = request();
  reserved.mutable_users(0)->set_name("cassandra");
  EXPECT_THROW(validate_keyspaces_and_users(reserved), common::Error);
}

TEST(CassandraCqlScript, SuperuserCreatedThenAltered) {
  const CqlScript s = superuser_cql("admin", "pw");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].text,
            "CREATE ROLE IF NOT EXISTS \"admin\" WITH PASSWORD = 'pw' AND SUPERUSER = true AND "
            "LOGIN = true");
  EXPECT_EQ(s[1].text,
            "ALTER ROLE \"admin\" WITH PASSWORD = 'pw' AND SUPERUSER = true AND LOGIN = true");
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
