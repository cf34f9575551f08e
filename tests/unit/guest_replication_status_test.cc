// Parsing the mariadb client's --batch output (SHOW SLAVE STATUS) and what
// a node reports of its replication.
#include "datastores/mysql/guest_replication_status.h"

#include <gtest/gtest.h>

#include <sstream>

#include "common/error.h"
#include "common/status.h"

namespace automat::datastores::mysql {
namespace {

// The header line of SHOW SLAVE STATUS in --batch form on MariaDB 10.11.
const std::string kHeader =
    "Slave_IO_State\tMaster_Host\tMaster_User\tMaster_Port\tConnect_Retry\t"
    "Master_Log_File\tRead_Master_Log_Pos\tRelay_Log_File\tRelay_Log_Pos\t"
    "Relay_Master_Log_File\tSlave_IO_Running\tSlave_SQL_Running\tReplicate_Do_DB\t"
    "Replicate_Ignore_DB\tReplicate_Do_Table\tReplicate_Ignore_Table\t"
    "Replicate_Wild_Do_Table\tReplicate_Wild_Ignore_Table\tLast_Errno\tLast_Error\t"
    "Skip_Counter\tExec_Master_Log_Pos\tRelay_Log_Space\tUntil_Condition\t"
    "Until_Log_File\tUntil_Log_Pos\tMaster_SSL_Allowed\tMaster_SSL_CA_File\t"
    "Master_SSL_CA_Path\tMaster_SSL_Cert\tMaster_SSL_Cipher\tMaster_SSL_Key\t"
    "Seconds_Behind_Master\tMaster_SSL_Verify_Server_Cert\tLast_IO_Errno\tLast_IO_Error\t"
    "Last_SQL_Errno\tLast_SQL_Error\tReplicate_Ignore_Server_Ids\tMaster_Server_Id\t"
    "Master_SSL_Crl\tMaster_SSL_Crlpath\tUsing_Gtid\tGtid_IO_Pos\t"
    "Replicate_Do_Domain_Ids\tReplicate_Ignore_Domain_Ids\tParallel_Mode\tSQL_Delay\t"
    "SQL_Remaining_Delay\tSlave_SQL_Running_State\tSlave_DDL_Groups\t"
    "Slave_Non_Transactional_Groups\tSlave_Transactional_Groups\tReplicate_Rewrite_DB";

std::vector<std::string> columns() {
  std::vector<std::string> out;
  std::istringstream in(kHeader);
  for (std::string c; std::getline(in, c, '\t');) out.push_back(c);
  return out;
}

// A healthy replica's status as the client prints it, with `changes` applied
// (values already escaped the way --batch escapes them).
std::string slave_status(const std::map<std::string, std::string>& changes = {}) {
  std::map<std::string, std::string> v = {{"Slave_IO_State", "Waiting for master to send event"},
                                          {"Master_Host", "127.77.200.3"},
                                          {"Master_User", "repl"},
                                          {"Master_Port", "3306"},
                                          {"Slave_IO_Running", "Yes"},
                                          {"Slave_SQL_Running", "Yes"},
                                          {"Last_Errno", "0"},
                                          {"Seconds_Behind_Master", "0"},
                                          {"Last_IO_Errno", "0"},
                                          {"Last_SQL_Errno", "0"},
                                          {"Using_Gtid", "Slave_Pos"},
                                          {"Gtid_IO_Pos", "0-5-6"},
                                          {"SQL_Remaining_Delay", "NULL"}};
  for (const auto& [k, val] : changes) v[k] = val;
  const std::vector<std::string> cols = columns();
  std::ostringstream out;
  out << kHeader << "\n";
  for (size_t i = 0; i < cols.size(); ++i) out << (i ? "\t" : "") << v[cols[i]];
  out << "\n";
  return out.str();
}

TEST(ReplicationStatusTest, BatchRowsAreSplitAndUnescaped) {
  const auto rows = parse_batch_rows("a\tb\tc\nx\\ty\tline1\\nline2\t\\\\n\n1\t\tNULL\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].at("a"), "x\ty");
  EXPECT_EQ(rows[0].at("b"), "line1\nline2");
  EXPECT_EQ(rows[0].at("c"), "\\n");  // an escaped backslash, then a plain n
  EXPECT_EQ(rows[1].at("b"), "");
  EXPECT_EQ(rows[1].at("c"), "NULL");
  EXPECT_TRUE(parse_batch_rows("").empty());
  EXPECT_TRUE(parse_batch_rows("only\theader\n").empty());
  EXPECT_THROW(parse_batch_rows("a\tb\n1\n"), common::Error);
}

TEST(ReplicationStatusTest, SingleValueNeedsExactlyOneRow) {
  EXPECT_EQ(single_value("gtid\n0-1-9\n", "gtid", "the GTID"), "0-1-9");
  EXPECT_EQ(single_value("gtid\n\n", "gtid", "the GTID"), "");
  EXPECT_THROW(single_value("", "gtid", "the GTID"), common::Error);
  EXPECT_THROW(single_value("gtid\n1\n2\n", "gtid", "the GTID"), common::Error);
  EXPECT_THROW(single_value("other\n1\n", "gtid", "the GTID"), common::Error);
}

TEST(ReplicationStatusTest, HealthyReplica) {
  const auto h = parse_slave_status(slave_status({{"Seconds_Behind_Master", "3"}}));
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->io_running());
  EXPECT_TRUE(h->sql_running());
  EXPECT_EQ(h->seconds_behind(), 3);
  EXPECT_EQ(h->last_error(), "");
}

TEST(ReplicationStatusTest, NotAReplicaGivesNothing) { EXPECT_FALSE(parse_slave_status("")); }

TEST(ReplicationStatusTest, BrokenSqlThreadReportsItsError) {
  const auto h = parse_slave_status(slave_status(
      {{"Slave_SQL_Running", "No"},
       {"Seconds_Behind_Master", "NULL"},
       {"Last_Errno", "1062"},
       {"Last_Error", "Could not execute Write_rows_v1 event on table shop_db.t; Duplicate entry"},
       {"Last_SQL_Errno", "1062"},
       {"Last_SQL_Error",
        "Could not execute Write_rows_v1 event on table shop_db.t; Duplicate entry\\n'7'"}}));
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->io_running());
  EXPECT_FALSE(h->sql_running());
  EXPECT_EQ(h->seconds_behind(), -1);
  EXPECT_EQ(h->last_error(),
            "replication SQL thread: Could not execute Write_rows_v1 event on table shop_db.t; "
            "Duplicate entry\n'7'");
}

TEST(ReplicationStatusTest, IoErrorIsReportedWhenTheSqlThreadIsFine) {
  const auto h = parse_slave_status(slave_status(
      {{"Slave_IO_Running", "Connecting"},
       {"Seconds_Behind_Master", "NULL"},
       {"Last_IO_Errno", "1045"},
       {"Last_IO_Error",
        "error connecting to master 'repl@127.77.200.3:3306' - retry-time: 5  maximum-retries: "
        "100000  message: Access denied for user 'repl'@'127.0.0.1' (using password: YES)"}}));
  ASSERT_TRUE(h);
  EXPECT_FALSE(h->io_running());  // "Connecting" is not running
  EXPECT_TRUE(h->sql_running());
  EXPECT_NE(h->last_error().find("replication I/O thread: error connecting to master"),
            std::string::npos);
}

TEST(ReplicationStatusTest, MissingColumnsOrSeveralConnectionsAreErrors) {
  EXPECT_THROW(parse_slave_status("Slave_IO_Running\nYes\n"), common::Error);
  std::string two = slave_status();
  two += two.substr(two.find('\n') + 1);  // a second data row
  EXPECT_THROW(parse_slave_status(two), common::Error);
}

}  // namespace
// A replica whose replication stopped on an error reports it as its fault
// and degrades to REPLICATION_ERROR; a healthy one, one stopped on request
// (no error) and a source do not.
TEST(ReplicaReportTest, AStoppedReplicationWithAnErrorIsTheFaultAndDegradesTheStatus) {
  EXPECT_FALSE(replica_report(std::nullopt).has_datastore()) << "a source reports nothing";

  proto::mysql::ReplicationHealth h;
  h.set_io_running(true);
  h.set_sql_running(true);
  h.set_seconds_behind(4);
  proto::DatastoreReport healthy = replica_report(h);
  proto::mysql::NodeReport node;
  ASSERT_TRUE(healthy.datastore().UnpackTo(&node));
  EXPECT_EQ(node.replication().seconds_behind(), 4);
  EXPECT_EQ(healthy.fault(), "");
  EXPECT_EQ(healthy.degraded_status(), "");

  h.set_sql_running(false);
  EXPECT_EQ(replica_report(h).degraded_status(), "") << "stopped without an error";

  h.set_last_error("replication SQL thread: Duplicate entry '7'");
  const proto::DatastoreReport broken = replica_report(h);
  EXPECT_EQ(broken.fault(), "replication stopped: replication SQL thread: Duplicate entry '7'");
  EXPECT_EQ(broken.degraded_status(), "REPLICATION_ERROR");
  EXPECT_TRUE(common::service_status::is_degraded(broken.degraded_status()))
      << "users see it as ERROR";
}

}  // namespace automat::datastores::mysql
