// SQL rendering, validation and GTID comparison for MySQL replication.
#include "datastores/mysql/guest_replication_sql.h"

#include <gtest/gtest.h>

#include "common/error.h"

namespace automat::datastores::mysql {
namespace {

template <typename F>
void expect_bad_request(F&& f, const std::string& fragment) {
  try {
    f();
    ADD_FAILURE() << "accepted input that should fail with: " << fragment;
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kBadRequest);
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

ReplicationSource source() { return {"127.10.0.5", 3306, "automat_repl", "pw"}; }

TEST(ReplicationSqlTest, GtidListsAreValidatedStrictly) {
  for (const std::string ok : {"", "0-1-1", "0-2130706433-18446744073709551615", "0-1-5,1-2-7"}) {
    EXPECT_NO_THROW(validate_gtid_list(ok)) << ok;
  }
  for (const std::string bad :
       {"0-1", "0-1-", "-1-2", "0-1-2,", ",0-1-2", "0-1-x", "0-1-2'; DROP TABLE t; --", "0-1-2 ",
        "0--1-2", "0-1-184467440737095516150"}) {
    expect_bad_request([&] { validate_gtid_list(bad); }, "GTID position");
  }
}

TEST(ReplicationSqlTest, GtidCoversComparesPerDomain) {
  EXPECT_TRUE(gtid_covers("0-1-10", "0-1-10"));
  EXPECT_TRUE(gtid_covers("0-1-11", "0-1-10"));
  EXPECT_FALSE(gtid_covers("0-1-9", "0-1-10"));
  // The server id of the last event does not matter, the sequence does.
  EXPECT_TRUE(gtid_covers("0-7-12", "0-1-10"));
  EXPECT_TRUE(gtid_covers("0-1-3,1-1-8", "1-1-8"));
  EXPECT_FALSE(gtid_covers("0-1-30", "0-1-3,1-1-8"));  // domain 1 missing
  EXPECT_TRUE(gtid_covers("", ""));
  EXPECT_TRUE(gtid_covers("0-1-1", ""));
  EXPECT_FALSE(gtid_covers("", "0-1-1"));
  expect_bad_request([] { gtid_covers("0-1-x", "0-1-1"); }, "0-1-x");
  expect_bad_request([] { gtid_covers("0-1-1", "zz"); }, "zz");
}

TEST(ReplicationSqlTest, ReplicationUserIsCreatedResetAndGrantedSlaveOnly) {
  const SqlScript s = replication_user_sql("automat_repl", "p'w\\x");
  EXPECT_EQ(s.text,
            "CREATE USER IF NOT EXISTS 'automat_repl'@'%' IDENTIFIED BY 'p\\'w\\\\x';\n"
            "ALTER USER 'automat_repl'@'%' IDENTIFIED BY 'p\\'w\\\\x';\n"
            "GRANT REPLICATION SLAVE ON *.* TO 'automat_repl'@'%';\n");
  // Both the raw and the escaped password are redacted from any error.
  EXPECT_EQ(redact("echo p\\'w\\\\x and p'w\\x", s.secrets), "echo *** and ***");
  expect_bad_request([] { replication_user_sql("root", "x"); }, "reserved");
  expect_bad_request([] { replication_user_sql("a'b", "x"); }, "invalid");
  expect_bad_request([] { replication_user_sql("repl", ""); }, "password");
  EXPECT_EQ(drop_user_sql("automat_repl"), "DROP USER IF EXISTS 'automat_repl'@'%';\n");
  expect_bad_request([] { drop_user_sql("x`y"); }, "invalid");
}

TEST(ReplicationSqlTest, FollowSqlPointsAtTheSourceWithGtidAutoPositioning) {
  ReplicationSource src = source();
  src.password = "se'cret";
  const SqlScript s = follow_sql(src, "0-2130706433-42");
  EXPECT_EQ(s.text,
            "SET GLOBAL gtid_binlog_state = '0-2130706433-42';\n"
            "SET GLOBAL gtid_slave_pos = '0-2130706433-42';\n"
            "CHANGE MASTER TO MASTER_HOST = '127.10.0.5', MASTER_PORT = 3306, "
            "MASTER_USER = 'automat_repl', MASTER_PASSWORD = 'se\\'cret', "
            "MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 5;\n"
            "START SLAVE;\n");
  const std::string shown = redact(s.text, s.secrets);
  EXPECT_NE(shown.find("MASTER_PASSWORD = '***'"), std::string::npos) << shown;
  EXPECT_EQ(shown.find("cret"), std::string::npos) << shown;
}

TEST(ReplicationSqlTest, FollowFromAnEmptySourceKeepsTheBinlogState) {
  const SqlScript s = follow_sql(source(), "");
  EXPECT_EQ(s.text.find("gtid_binlog_state"), std::string::npos) << s.text;
  EXPECT_TRUE(s.text.starts_with("SET GLOBAL gtid_slave_pos = '';\n")) << s.text;
}

TEST(ReplicationSqlTest, RepointKeepsTheServersOwnPosition) {
  const SqlScript s = repoint_sql(source());
  EXPECT_EQ(s.text,
            "STOP SLAVE;\nRESET SLAVE ALL;\n"
            "SET GLOBAL gtid_slave_pos = @@GLOBAL.gtid_current_pos;\n"
            "CHANGE MASTER TO MASTER_HOST = '127.10.0.5', MASTER_PORT = 3306, "
            "MASTER_USER = 'automat_repl', MASTER_PASSWORD = 'pw', "
            "MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 5;\n"
            "START SLAVE;\n");
  EXPECT_EQ(s.secrets, (std::vector<std::string>{"pw", "pw"}));
  ReplicationSource bad = source();
  bad.port = -1;
  expect_bad_request([&] { repoint_sql(bad); }, "port");
}

TEST(ReplicationSqlTest, FollowSqlRefusesBadSourcesAndPositions) {
  auto with = [](auto change) {
    ReplicationSource s = source();
    change(s);
    return s;
  };
  expect_bad_request([&] { follow_sql(with([](auto& s) { s.address = "h'; DROP"; }), ""); },
                     "address");
  expect_bad_request([&] { follow_sql(with([](auto& s) { s.address = ""; }), ""); }, "address");
  expect_bad_request([&] { follow_sql(with([](auto& s) { s.port = 0; }), ""); }, "port");
  expect_bad_request([&] { follow_sql(with([](auto& s) { s.port = 70000; }), ""); }, "port");
  expect_bad_request([&] { follow_sql(with([](auto& s) { s.user = "root"; }), ""); }, "reserved");
  expect_bad_request([&] { follow_sql(with([](auto& s) { s.password = ""; }), ""); }, "password");
  expect_bad_request([&] { follow_sql(source(), "0-1-2'"); }, "GTID");
  EXPECT_NO_THROW(follow_sql(with([](auto& s) { s.address = "fd00::1"; }), ""));
  EXPECT_NO_THROW(follow_sql(with([](auto& s) { s.address = "db-1.example"; }), ""));
}

TEST(ReplicationSqlTest, DynamicSettingsOnlyChangeWhatDiffers) {
  EXPECT_EQ(dynamic_binlog_settings_sql("ROW", true, 7, 7), "");
  EXPECT_EQ(dynamic_binlog_settings_sql("MIXED", false, 1, 7),
            "SET GLOBAL binlog_format = 'ROW';\n"
            "SET GLOBAL gtid_strict_mode = ON;\n"
            "SET GLOBAL server_id = 7;\n");
  EXPECT_EQ(dynamic_binlog_settings_sql("ROW", true, 1, 7), "SET GLOBAL server_id = 7;\n");
}

TEST(ReplicationSqlTest, SmallStatements) {
  EXPECT_EQ(read_only_sql(true), "SET GLOBAL read_only = ON;\n");
  EXPECT_EQ(read_only_sql(false), "SET GLOBAL read_only = OFF;\n");
  EXPECT_EQ(stop_following_sql(), "STOP SLAVE;\nRESET SLAVE ALL;\n");
  EXPECT_EQ(reset_for_restore_sql(), "STOP SLAVE;\nRESET SLAVE ALL;\nRESET MASTER;\n");
  EXPECT_EQ(gtid_wait_query("0-1-5", 1.5), "SELECT MASTER_GTID_WAIT('0-1-5', 1.500) AS reached;\n");
  EXPECT_EQ(gtid_wait_query("", -3), "SELECT MASTER_GTID_WAIT('', 0.000) AS reached;\n");
  expect_bad_request([] { gtid_wait_query("x", 1); }, "GTID");
}

}  // namespace
}  // namespace automat::datastores::mysql
