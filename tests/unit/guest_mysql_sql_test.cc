// SQL rendering and escaping of the MySQL guest.
#include "datastores/mysql/guest_mysql_sql.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/error.h"

namespace automat::datastores::mysql {
namespace {

proto::PrepareRequest request_with_user(const std::string& name, const std::string& password,
                                        const std::string& host = "") {
  proto::PrepareRequest req;
  auto* u = req.add_users();
  u->set_name(name);
  u->set_password(password);
  u->set_host(host);
  return req;
}

void expect_bad_request(const proto::PrepareRequest& req, const std::string& fragment) {
  try {
    databases_and_users_sql(req);
    ADD_FAILURE() << "accepted a request that should fail with: " << fragment;
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(MysqlSql, QuoteStringEscapesEverythingThatCouldEndTheLiteral) {
  EXPECT_EQ(quote_string("plain"), "'plain'");
  EXPECT_EQ(quote_string("it's"), "'it\\'s'");
  EXPECT_EQ(quote_string("back\\slash"), "'back\\\\slash'");
  EXPECT_EQ(quote_string("a\\'; DROP DATABASE x; --"), "'a\\\\\\'; DROP DATABASE x; --'");
  EXPECT_EQ(quote_string("line\nbreak\r\x1a"), "'line\\nbreak\\r\\Z'");
}

TEST(MysqlSql, IdentifiersAreBackQuotedAndGrantPatternsMatchLiterally) {
  EXPECT_EQ(quote_identifier("app-db"), "`app-db`");
  EXPECT_EQ(grant_database("my_db"), "`my\\_db`");
  EXPECT_EQ(grant_database("plain"), "`plain`");
}

TEST(MysqlSql, DatabasesAndUsersBecomeIdempotentStatements) {
  proto::PrepareRequest req;
  auto* db = req.add_databases();
  db->set_name("shop_db");
  db->set_character_set("utf8mb4");
  db->set_collate("utf8mb4_bin");
  req.add_databases()->set_name("logs");
  auto* u = req.add_users();
  u->set_name("alice");
  u->set_password("pa'ss");
  u->add_databases("shop_db");
  u->add_databases("logs");
  auto* v = req.add_users();
  v->set_name("bob");
  v->set_password("x");
  v->set_host("10.0.0.%");

  const SqlScript s = databases_and_users_sql(req);
  EXPECT_NE(s.text.find("CREATE DATABASE IF NOT EXISTS `shop_db` CHARACTER SET utf8mb4 COLLATE "
                        "utf8mb4_bin;\n"),
            std::string::npos)
      << s.text;
  EXPECT_NE(s.text.find("CREATE DATABASE IF NOT EXISTS `logs`;\n"), std::string::npos);
  EXPECT_NE(s.text.find("CREATE USER IF NOT EXISTS 'alice'@'%' IDENTIFIED BY 'pa\\'ss';\n"),
            std::string::npos)
      << s.text;
  EXPECT_NE(s.text.find("ALTER USER 'alice'@'%' IDENTIFIED BY 'pa\\'ss';\n"), std::string::npos);
  EXPECT_NE(s.text.find("GRANT ALL PRIVILEGES ON `shop\\_db`.* TO 'alice'@'%';\n"),
            std::string::npos);
  EXPECT_NE(s.text.find("GRANT ALL PRIVILEGES ON `logs`.* TO 'alice'@'%';\n"), std::string::npos);
  EXPECT_NE(s.text.find("CREATE USER IF NOT EXISTS 'bob'@'10.0.0.%'"), std::string::npos);
  EXPECT_EQ(s.text.find("GRANT ALL PRIVILEGES ON `logs`.* TO 'bob'"), std::string::npos);
  // Both the raw and the escaped password are known secrets.
  EXPECT_NE(std::find(s.secrets.begin(), s.secrets.end(), "pa'ss"), s.secrets.end());
  EXPECT_NE(std::find(s.secrets.begin(), s.secrets.end(), "pa\\'ss"), s.secrets.end());
}

TEST(MysqlSql, RejectsNamesThatCouldBreakOutOfQuotes) {
  for (const std::string& bad :
       std::vector<std::string>{"a`b", "a'b", "a\"b", std::string("a\0b", 3), "a b", "a\\b", "a;b",
                                "", std::string(65, 'x'), "a.b", "a/b"}) {
    proto::PrepareRequest req;
    req.add_databases()->set_name(bad);
    expect_bad_request(req, "database name");
  }
  for (const std::string& bad :
       std::vector<std::string>{"al`ice", "al'ice", "al\"ice", std::string("al\0", 3), "a b", ""}) {
    expect_bad_request(request_with_user(bad, "pw"), "user name");
  }
  expect_bad_request(request_with_user("alice", "pw", "host'--"), "user host");
  expect_bad_request(request_with_user("alice", std::string("p\0w", 3)), "password");
  expect_bad_request(request_with_user("alice", ""), "password");

  proto::PrepareRequest charset;
  auto* db = charset.add_databases();
  db->set_name("ok");
  db->set_character_set("utf8; DROP");
  expect_bad_request(charset, "character set");

  proto::PrepareRequest grant = request_with_user("alice", "pw");
  grant.mutable_users(0)->add_databases("no`pe");
  expect_bad_request(grant, "database name");
}

TEST(MysqlSql, RejectsReservedNames) {
  for (const std::string reserved :
       {"mysql", "MySQL", "information_schema", "performance_schema", "sys"}) {
    proto::PrepareRequest req;
    req.add_databases()->set_name(reserved);
    expect_bad_request(req, "reserved");
  }
  for (const std::string reserved : {"root", "ROOT", "mysql", "mariadb.sys"}) {
    expect_bad_request(request_with_user(reserved, "pw"), "reserved");
  }
}

TEST(MysqlSql, SecureInstallationDropsAnonymousRemoteRootAndTestDb) {
  const SqlScript s = secure_installation_sql();
  EXPECT_NE(s.text.find("DELETE FROM mysql.global_priv WHERE User = '';"), std::string::npos);
  EXPECT_NE(s.text.find("User = 'root' AND Host <> 'localhost'"), std::string::npos);
  EXPECT_NE(s.text.find("DROP DATABASE IF EXISTS test;"), std::string::npos);
  EXPECT_NE(s.text.find("ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket;"),
            std::string::npos);
  EXPECT_TRUE(s.secrets.empty());
}

TEST(MysqlSql, RedactHidesEverySecretOccurrence) {
  EXPECT_EQ(redact("near 'IDENTIFIED BY 's3cr3t'' and s3cr3t again", {"s3cr3t"}),
            "near 'IDENTIFIED BY '***'' and *** again");
  EXPECT_EQ(redact("nothing here", {"", "zzz"}), "nothing here");
}

}  // namespace
}  // namespace automat::datastores::mysql
