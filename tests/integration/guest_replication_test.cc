// GTID replication between two real MariaDB servers prepared by the MySQL
// guest manager on free loopback addresses: a source and a replica seeded
// from a physical copy of it (mariadb-backup) through the seed-copy and
// follow job RPCs, as the seed step asks. Needs root (mariadbd runs as
// the mysql user; root reaches it over the unix socket). The tests build on each other, in order.
#include "datastores/mysql/guest_replication.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <thread>

#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "common/process_table.h"
#include "datastores/guest_registry.h"
#include "datastores/mysql/guest_mysql_config.h"
#include "datastores/mysql/guest_mysql_layout.h"
#include "datastores/mysql/guest_mysql_manager.h"
#include "datastores/mysql/guest_replication_config.h"
#include "datastores/mysql/mysql_guest.grpc.pb.h"
#include "guestagent/child_process.h"
#include "guestagent/guest_jobs.h"
#include "guestagent/job_rpc.h"
#include "guestagent/rpc_guard.h"
#include "tests/integration/mariadb_test_support.h"

namespace automat::datastores::mysql {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using automat::testing::free_loopback_address;
using automat::testing::listening;
using automat::testing::mariadbd_pids;
using guestagent::run_command;

long ms_since(Clock::time_point start) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
}

// One MariaDB instance of the suite: its node, guest manager and replication.
struct Node {
  guestagent::NodeContext ctx;
  std::unique_ptr<guestagent::DatastoreManager> manager;
  std::unique_ptr<MysqlReplication> repl;
  MysqlLayout layout() const { return MysqlLayout::under(ctx.instance_dir); }
};

class GuestReplicationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_EQ(::geteuid(), 0u) << "the MySQL guest runs as root (mariadbd as mysql)";
    common::log::init("guest_replication_test", "debug");
    char tmpl[] = "/tmp/automat-it-repl-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = new std::string(tmpl);
    fs::permissions(*dir_, fs::perms::others_exec, fs::perm_options::add);
    const auto started = Clock::now();
    source_ = make_node("source", free_loopback_address());
    replica_ = make_node("replica", free_loopback_address({source_->ctx.address}));
    // The source serves an application database and user; the replica is a
    // fresh, secured server that will receive both from the backup.
    proto::PrepareRequest req;
    req.add_databases()->set_name("shop_db");
    auto* u = req.add_users();
    u->set_name("alice");
    u->set_password(kAlicePassword);
    u->add_databases("shop_db");
    // One after the other: MariaDbServer is not safe to drive from two
    // threads at once (it uses the non-reentrant getpwnam).
    source_->manager->prepare(req);
    replica_->manager->prepare(proto::PrepareRequest());
    write_credentials("alice", kAlicePassword);
    ready_ = true;
    std::cout << "[ timing ] two MariaDB servers prepared in " << ms_since(started) << " ms\n";
  }

  static Node* make_node(const std::string& name, const std::string& address) {
    auto* n = new Node();
    n->ctx.instance_id = "it-repl-" + name;
    n->ctx.address = address;
    n->ctx.instance_dir = *dir_ + "/" + name;
    n->ctx.datastore_version = "10.11";
    n->ctx.ram_mb = 256;
    fs::create_directories(n->ctx.instance_dir);
    fs::permissions(n->ctx.instance_dir, fs::perms::owner_all);
    n->manager = datastores::guest_manager("mysql", n->ctx);
    n->repl = make_mysql_replication(n->ctx);
    return n;
  }

  static void TearDownTestSuite() {
    if (!dir_) return;
    for (Node* n : {source_, replica_}) {
      if (!n) continue;
      for (pid_t pid : mariadbd_pids(n->layout().config)) ::kill(pid, SIGKILL);
    }
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    // Wait until the killed servers are gone before removing their files.
    const auto deadline = Clock::now() + 10s;
    for (Node* n : {source_, replica_}) {
      while (n && !mariadbd_pids(n->layout().config).empty() && Clock::now() < deadline) {
        while (::waitpid(-1, nullptr, WNOHANG) > 0) {
        }
        std::this_thread::sleep_for(20ms);
      }
    }
    fs::remove_all(*dir_);
    delete source_;
    delete replica_;
    delete repl_user_;
    delete dir_;
  }

  void SetUp() override { ASSERT_TRUE(ready_) << "suite set-up failed"; }

  // A client option file, so that no password reaches a command line.
  static void write_credentials(const std::string& user, const std::string& password) {
    const std::string path = *dir_ + "/" + user + ".cnf";
    std::ofstream(path, std::ios::trunc)
        << "[client]\nuser = " << user << "\npassword = \"" << password << "\"\n";
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  }

  // SQL as `user` (credentials from write_credentials) over TCP to `node`.
  static guestagent::CommandResult sql_as(const Node& node, const std::string& user,
                                          const std::string& sql) {
    return run_command({"mariadb", "--defaults-file=" + *dir_ + "/" + user + ".cnf",
                        "--protocol=TCP", "--host=" + node.ctx.address, "--port=3306", "--batch",
                        "--skip-column-names", "--connect-timeout=5"},
                       sql, 20s);
  }

  // SQL as root over `node`'s socket; the output, or a test failure.
  static std::string root_sql(const Node& node, const std::string& sql) {
    const auto r = run_command({"mariadb", "--no-defaults", "--socket=" + node.layout().socket,
                                "--user=root", "--batch", "--skip-column-names"},
                               sql, 20s);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.output;
    return r.output;
  }

  static std::string ids_on(const Node& node) {
    const auto r = sql_as(node, "alice", "SELECT id FROM shop_db.t ORDER BY id;");
    EXPECT_TRUE(r.ok()) << r.output;
    return r.output;
  }

  static void insert_on(const Node& node, const std::string& ids) {
    const auto r = sql_as(node, "alice", "INSERT INTO shop_db.t (id) VALUES " + ids + ";");
    ASSERT_TRUE(r.ok()) << r.output;
  }
  static void insert_on_source(const std::string& ids) { insert_on(*source_, ids); }

  // Runs `work` as the guest service does (MysqlManager::replication_call).
  static void actions(Node& node, const std::function<void(ReplicationActions&)>& work) {
    auto* manager = dynamic_cast<MysqlManager*>(node.manager.get());
    ASSERT_NE(manager, nullptr);
    try {
      manager->replication_call("test", work);
    } catch (const common::Error& e) {
      FAIL() << node.ctx.instance_id << ": " << e.what();
    }
  }

  // Starts a job through `node`'s MysqlGuest service (make_service), served
  // in-process as the taskmanager reaches it, with a job runner of the
  // node's own; waits for the job to end and answers it as GetJob would.
  static proto::JobReply run_job(
      Node& node, const std::string& key,
      const std::function<grpc::Status(proto::mysql::MysqlGuest::Stub&, grpc::ClientContext*,
                                       proto::JobReply*)>& start) {
    const std::string token = "it-token";
    guestagent::RpcGuard guard(node.ctx.instance_id, token);
    common::SystemClock clock;
    guestagent::JobRunner jobs(node.ctx.instance_dir + "/it-jobs", clock);
    auto service = node.manager->make_service({guard, jobs, nullptr});
    grpc::ServerBuilder builder;
    builder.RegisterService(service.get());
    auto server = builder.BuildAndStart();
    auto stub =
        proto::mysql::MysqlGuest::NewStub(server->InProcessChannel(grpc::ChannelArguments()));
    proto::JobReply started;
    for (int call = 0; call < 2; ++call) {  // the second: a retried start answers the same job
      grpc::ClientContext ctx;
      ctx.AddMetadata(guestagent::kTokenMetadata, token);
      const grpc::Status s = start(*stub, &ctx, &started);
      EXPECT_TRUE(s.ok()) << s.error_message();
      EXPECT_EQ(started.key(), key);
    }
    const proto::JobReply ended = guestagent::job_reply(jobs.wait(key, std::chrono::minutes(5)));
    server->Shutdown();
    return ended;
  }

  static bool has_id(const Node& node, int id) {
    const auto r =
        sql_as(node, "alice", "SELECT COUNT(*) FROM shop_db.t WHERE id = " + std::to_string(id));
    EXPECT_TRUE(r.ok()) << r.output;
    return r.output == "1\n";
  }

  // How many replication threads (I/O, SQL) a server runs.
  static constexpr const char* kReplicationThreads =
      "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND IN ('Slave_IO', "
      "'Slave_SQL');";
  static constexpr const char* kAlicePassword = "al1ce-pw_42;x";
  static bool ready_;  // the suite set-up completed
  static std::string* dir_;
  static Node* source_;
  static Node* replica_;
  // After the promote test: the promoted replica and the demoted source.
  static Node* leader_;
  static Node* follower_;
  static ReplicationUser* repl_user_;
};

bool GuestReplicationTest::ready_ = false;
std::string* GuestReplicationTest::dir_ = nullptr;
Node* GuestReplicationTest::source_ = nullptr;
Node* GuestReplicationTest::replica_ = nullptr;
Node* GuestReplicationTest::leader_ = nullptr;
Node* GuestReplicationTest::follower_ = nullptr;
ReplicationUser* GuestReplicationTest::repl_user_ = nullptr;

TEST_F(GuestReplicationTest, SourceGetsBinlogGtidAndAReplicationAccount) {
  ::testing::internal::CaptureStderr();
  const SourceSetup setup = source_->repl->enable_source();
  std::string logs = ::testing::internal::GetCapturedStderr();
  EXPECT_TRUE(setup.restart_needed);
  EXPECT_NE(logs.find("mysql.replication.source_enabled"), std::string::npos) << logs;
  EXPECT_EQ(logs.find(setup.user.password), std::string::npos) << "password logged";
  repl_user_ = new ReplicationUser(setup.user);

  const auto restart = Clock::now();
  source_->manager->restart();
  std::cout << "[ timing ] source restart for binlog: " << ms_since(restart) << " ms\n";
  EXPECT_FALSE(source_->repl->apply_binlog_settings());
  EXPECT_EQ(root_sql(*source_,
                     "SELECT @@log_bin, @@binlog_format, @@gtid_strict_mode, "
                     "@@log_slave_updates, @@server_id;"),
            "1\tROW\t1\t1\t" + std::to_string(server_id_for(source_->ctx.address)) + "\n");

  // The account reads binlogs and nothing else.
  write_credentials(setup.user.name, setup.user.password);
  auto r = sql_as(*source_, setup.user.name, "SHOW GRANTS;");
  ASSERT_TRUE(r.ok()) << r.output;
  EXPECT_NE(r.output.find("GRANT REPLICATION SLAVE ON *.* TO `automat_repl`@`%`"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(sql_as(*source_, setup.user.name, "SELECT COUNT(*) FROM mysql.global_priv;").ok());
  EXPECT_FALSE(fs::exists(*dir_ + "/source/backups"));  // no backup taken yet
}

TEST_F(GuestReplicationTest, ACopyOfASourceThatWroteNoGtidYetStartsAtTheEmptyPosition) {
  ASSERT_EQ(source_->repl->current_gtid(), "") << "the source wrote with binary logging already";
  proto::mysql::BackupRequest take;
  take.set_key("fresh");
  take.set_holder("it-repl-nobody");
  proto::mysql::Backup backup;
  actions(*source_, [&](ReplicationActions& a) { backup = a.take_backup(take); });
  EXPECT_EQ(backup.format(), "physical");
  EXPECT_EQ(backup.gtid(), "");
  EXPECT_TRUE(fs::is_directory(backup.path()));
  actions(*source_, [&](ReplicationActions& a) { a.release_backup(take); });
  EXPECT_FALSE(fs::exists(*dir_ + "/source/backups/fresh"));
}

TEST_F(GuestReplicationTest, ReplicaSeededFromAPhysicalCopyFollowsTheSource) {
  ASSERT_TRUE(repl_user_);
  auto r = sql_as(*source_, "alice", "CREATE TABLE shop_db.t (id INT PRIMARY KEY);");
  ASSERT_TRUE(r.ok()) << r.output;
  insert_on_source("(1), (2), (3)");

  // The seed-copy job as the seed step starts it; then another job for the
  // same copy key (a lost job taken again): one copy.
  proto::mysql::BackupRequest take;
  take.set_key("batch-1");
  take.set_holder("it-repl-replica");
  proto::mysql::TakeSeedCopyJob copy_job;
  copy_job.set_key("it-op:seed-copy:it-repl-replica");
  *copy_job.mutable_copy() = take;
  auto started = Clock::now();
  const proto::JobReply copied =
      run_job(*source_, copy_job.key(), [&](auto& stub, auto* ctx, auto* reply) {
        return stub.StartTakeSeedCopy(ctx, copy_job, reply);
      });
  ASSERT_EQ(copied.state(), proto::JobReply::SUCCEEDED) << copied.message();
  EXPECT_EQ(copied.kind(), "seed-copy");
  proto::mysql::Backup backup;
  ASSERT_TRUE(backup.ParseFromString(copied.result()));
  std::cout << "[ timing ] physical copy job (backup + prepare) " << ms_since(started)
            << " ms, gtid " << backup.gtid() << "\n";
  EXPECT_EQ(backup.format(), "physical");
  EXPECT_EQ(backup.path(), *dir_ + "/source/backups/batch-1/copy");
  EXPECT_FALSE(backup.gtid().empty());
  EXPECT_TRUE(gtid_covers(source_->repl->current_gtid(), backup.gtid()));
  copy_job.set_key("it-op:seed-copy:it-repl-replica.2");
  const proto::JobReply retaken =
      run_job(*source_, copy_job.key(), [&](auto& stub, auto* ctx, auto* reply) {
        return stub.StartTakeSeedCopy(ctx, copy_job, reply);
      });
  ASSERT_EQ(retaken.state(), proto::JobReply::SUCCEEDED) << retaken.message();
  proto::mysql::Backup again;
  ASSERT_TRUE(again.ParseFromString(retaken.result()));
  EXPECT_EQ(again.path(), backup.path());
  EXPECT_EQ(again.gtid(), backup.gtid());
  // Written after the copy: only replication can bring these.
  insert_on_source("(4), (5)");

  proto::mysql::FollowRequest follow;
  *follow.mutable_backup() = backup;
  follow.mutable_source()->set_address(source_->ctx.address);
  follow.mutable_source()->set_user(repl_user_->name);
  follow.mutable_source()->set_password(repl_user_->password);
  proto::mysql::FollowJob follow_job;
  follow_job.set_key("it-op:follow:it-repl-replica");
  *follow_job.mutable_follow() = follow;
  ::testing::internal::CaptureStderr();
  started = Clock::now();
  const proto::JobReply followed = run_job(
      *replica_, follow_job.key(),
      [&](auto& stub, auto* ctx, auto* reply) { return stub.StartFollow(ctx, follow_job, reply); });
  const long follow_ms = ms_since(started);
  const std::string logs = ::testing::internal::GetCapturedStderr();
  ASSERT_EQ(followed.state(), proto::JobReply::SUCCEEDED) << followed.message();
  EXPECT_EQ(followed.kind(), "follow");
  EXPECT_NE(logs.find("mysql.replication.following"), std::string::npos) << logs;
  EXPECT_EQ(logs.find(repl_user_->password), std::string::npos) << "password logged";
  std::cout << "[ timing ] follow job (copy back, restart, follow): " << follow_ms << " ms\n";

  // Following again (ReplicationActions::follow) seeds afresh from the same copy.
  started = Clock::now();
  actions(*replica_, [&](ReplicationActions& a) { a.follow(follow); });
  std::cout << "[ timing ] Follow again: " << ms_since(started) << " ms\n";

  // The replica's guest still logs in as root; the copy came intact.
  EXPECT_EQ(replica_->manager->status(), "RUNNING");
  EXPECT_EQ(root_sql(*replica_, "SELECT @@read_only, @@log_bin;"), "1\t1\n");
  actions(*source_, [&](ReplicationActions& a) { a.release_backup(take); });
  EXPECT_FALSE(fs::exists(*dir_ + "/source/backups/batch-1")) << "the copy was left behind";

  insert_on_source("(6)");
  const std::string gtid = source_->repl->current_gtid();
  started = Clock::now();
  ASSERT_TRUE(replica_->repl->wait_caught_up(gtid, Clock::now() + 20s)) << gtid;
  std::cout << "[ timing ] replica caught up with the source's last write in " << ms_since(started)
            << " ms\n";
  // Exactly the source's rows: the GTID position neither skipped nor replayed.
  EXPECT_EQ(ids_on(*replica_), "1\n2\n3\n4\n5\n6\n");
  EXPECT_TRUE(gtid_covers(replica_->repl->current_gtid(), gtid));

  const auto h = replica_->repl->health();
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->io_running());
  EXPECT_TRUE(h->sql_running());
  EXPECT_GE(h->seconds_behind(), 0);
  EXPECT_EQ(h->last_error(), "");
  EXPECT_EQ(root_sql(*replica_, kReplicationThreads), "2\n");
  EXPECT_FALSE(source_->repl->health());  // the source replicates from nothing
}

TEST_F(GuestReplicationTest, ReplicaRefusesApplicationWritesAcrossARestart) {
  auto r = sql_as(*replica_, "alice", "INSERT INTO shop_db.t (id) VALUES (50);");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.output.find("--read-only"), std::string::npos) << r.output;

  const auto started = Clock::now();
  replica_->manager->restart();
  std::cout << "[ timing ] replica restart: " << ms_since(started) << " ms\n";
  EXPECT_EQ(root_sql(*replica_, "SELECT @@read_only;"), "1\n");
  r = sql_as(*replica_, "alice", "INSERT INTO shop_db.t (id) VALUES (50);");
  EXPECT_FALSE(r.ok()) << r.output;
  // Replication resumes by itself.
  insert_on_source("(7)");
  ASSERT_TRUE(replica_->repl->wait_caught_up(source_->repl->current_gtid(), Clock::now() + 20s));
  EXPECT_EQ(ids_on(*replica_), "1\n2\n3\n4\n5\n6\n7\n");
}

TEST_F(GuestReplicationTest, BrokenReplicaReportsTheServersError) {
  // A row written behind replication's back makes the source's insert collide.
  root_sql(*replica_, "SET SESSION sql_log_bin = 0; INSERT INTO shop_db.t (id) VALUES (8);");
  insert_on_source("(8)");
  const std::string gtid = source_->repl->current_gtid();
  try {
    replica_->repl->wait_caught_up(gtid, Clock::now() + 20s);
    ADD_FAILURE() << "caught up although the row collides";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kConflict);
    EXPECT_NE(std::string(e.what()).find("Duplicate entry '8'"), std::string::npos) << e.what();
  }
  auto h = replica_->repl->health();
  ASSERT_TRUE(h);
  EXPECT_FALSE(h->sql_running());
  EXPECT_NE(h->last_error().find("replication SQL thread:"), std::string::npos) << h->last_error();
  EXPECT_NE(h->last_error().find("Duplicate entry '8'"), std::string::npos) << h->last_error();

  // Repaired by hand, it applies the transaction and is healthy again.
  root_sql(*replica_,
           "STOP SLAVE; SET SESSION sql_log_bin = 0; DELETE FROM shop_db.t WHERE id = 8; "
           "START SLAVE;");
  ASSERT_TRUE(replica_->repl->wait_caught_up(gtid, Clock::now() + 20s));
  h = replica_->repl->health();
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->sql_running());
  EXPECT_EQ(h->last_error(), "");
}

TEST_F(GuestReplicationTest, PromotedReplicaLeadsAndTheOldSourceFollowsIt) {
  Node* old_source = source_;
  Node* promoted = replica_;
  // The old source stops taking writes first, then the replica catches up.
  old_source->repl->make_read_only(true);
  EXPECT_FALSE(sql_as(*old_source, "alice", "INSERT INTO shop_db.t (id) VALUES (60);").ok());
  const std::string last = old_source->repl->current_gtid();
  ASSERT_TRUE(promoted->repl->wait_caught_up(last, Clock::now() + 20s)) << last;

  const auto started = Clock::now();
  promoted->repl->detach();
  const SourceSetup setup = promoted->repl->enable_source();
  EXPECT_FALSE(setup.restart_needed);  // a replica already runs with the binlog
  old_source->repl->follow_from_current_position(
      {promoted->ctx.address, kMysqlPort, setup.user.name, setup.user.password});
  std::cout << "[ timing ] switch-over: " << ms_since(started) << " ms\n";

  insert_on(*promoted, "(10)");
  ASSERT_TRUE(old_source->repl->wait_caught_up(promoted->repl->current_gtid(), Clock::now() + 20s));
  EXPECT_TRUE(has_id(*old_source, 10));
  EXPECT_EQ(ids_on(*old_source), ids_on(*promoted));
  const auto h = old_source->repl->health();
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->io_running() && h->sql_running()) << h->last_error();
  EXPECT_FALSE(promoted->repl->health());
  EXPECT_FALSE(sql_as(*old_source, "alice", "INSERT INTO shop_db.t (id) VALUES (60);").ok());
  leader_ = promoted;
  follower_ = old_source;
  *repl_user_ = setup.user;
}

TEST_F(GuestReplicationTest, DetachedReplicaIsWritableAndNoLongerFollows) {
  ASSERT_TRUE(leader_ && follower_) << "needs the promote test";
  follower_->repl->detach();
  EXPECT_FALSE(follower_->repl->health());
  EXPECT_EQ(root_sql(*follower_, "SELECT @@read_only;"), "0\n");
  // No replication thread is left that could apply the leader's writes.
  EXPECT_EQ(root_sql(*follower_, kReplicationThreads), "0\n");

  insert_on(*follower_, "(100)");
  insert_on(*leader_, "(11)");
  EXPECT_FALSE(has_id(*follower_, 11));
  EXPECT_FALSE(has_id(*leader_, 100));

  // Detached for good: a restart neither resumes replication nor read_only.
  follower_->repl->drop_replication_user(repl_user_->name);
  const std::string count_repl =
      "SELECT COUNT(*) FROM mysql.global_priv WHERE User = 'automat_repl';";
  EXPECT_EQ(root_sql(*follower_, count_repl), "0\n");
  EXPECT_EQ(root_sql(*leader_, count_repl), "1\n");
  follower_->manager->restart();
  EXPECT_FALSE(follower_->repl->health());
  EXPECT_EQ(root_sql(*follower_, kReplicationThreads), "0\n");
  EXPECT_EQ(root_sql(*follower_, "SELECT @@read_only;"), "0\n");
  EXPECT_FALSE(has_id(*follower_, 11));
  EXPECT_TRUE(has_id(*follower_, 100));
}

}  // namespace
}  // namespace automat::datastores::mysql
