// The automat-conductor binary against the real PostgreSQL
// (AUTOMAT_TEST_DATABASE_URL) and RabbitMQ (AUTOMAT_TEST_AMQP_URL): signed
// heartbeats published over AMQP end up in service_statuses; stale and
// forged ones are dropped; the sweeper marks silent instances.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "automat/messages.pb.h"
#include "common/broker.h"
#include "common/crypto.h"
#include "common/guest_envelope.h"
#include "common/status.h"
#include "datastores/cassandra/common_node_report.h"
#include "db/pg_repositories.h"
#include "tests/integration/amqp_test_support.h"
#include "tests/integration/db_seed.h"
#include "tests/integration/pg_test_db.h"

namespace automat::conductor {
namespace {

using namespace std::chrono_literals;
namespace ss = common::service_status;

// Polls `cond` every 20 ms until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& cond, std::chrono::milliseconds timeout = 15s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return cond();
}

// One automat-conductor process with its own config file and queue.
class ConductorProcess {
 public:
  ConductorProcess(const std::string& config_text, const std::string& queue) {
    dir_ = std::filesystem::temp_directory_path() /
           ("automat_conductor_it_" + common::crypto::random_hex(4));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "automat.conf") << config_text;
    pid_ = fork();
    if (pid_ == 0) {
      const std::string log = (dir_ / "conductor.log").string();
      freopen(log.c_str(), "w", stderr);
      const std::string conf = (dir_ / "automat.conf").string();
      const std::string set_queue = "conductor.queue=" + queue;
      execl(AUTOMAT_CONDUCTOR_BIN, AUTOMAT_CONDUCTOR_BIN, "--config", conf.c_str(), "--set",
            set_queue.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~ConductorProcess() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    std::filesystem::remove_all(dir_);
  }

  // Sends SIGTERM and returns the exit status (or -1 if it did not exit in time).
  int terminate(std::chrono::milliseconds timeout = 10s) {
    kill(pid_, SIGTERM);
    int status = 0;
    const bool done = eventually([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, timeout);
    if (!done) return -1;
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::string log() const {
    std::ifstream in(dir_ / "conductor.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  bool exited_ = false;
};

class ConductorServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    seed_ = testing::seed_catalog(db_.pool());
    queue_ = testing::unique_queue("conductor");
    publisher_ = common::make_amqp_publisher(testing::amqp_test_url());
  }
  void TearDown() override { testing::RawAmqp().delete_queue(queue_); }

  std::string config(int expiry_s, int sweep_s) const {
    return "[DEFAULT]\ndatabase_url = " + db_.dsn() + "\namqp_url = " + testing::amqp_test_url() +
           "\nguest_secret = " + secret_ +
           "\nlog_level = debug\n[conductor]\ndb_pool_size = 2\nprefetch = 100\n"
           "agent_heartbeat_expiry = " +
           std::to_string(expiry_s) + "\nsweep_interval = " + std::to_string(sweep_s) + "\n";
  }

  // A live instance (task NONE) whose service status is NEW.
  std::string add_instance() {
    const db::Instance inst = testing::new_instance(seed_);
    instances_.create_with_operation(inst, testing::new_operation(inst, "instance.create"));
    instances_.set_task(inst.id, common::task::kNone);
    return inst.id;
  }

  void send(const std::string& instance_id, int64_t sent_us, const std::string& status,
            const std::string& key = "") {
    proto::Heartbeat hb;
    hb.set_service_status(status);
    // A datastore's own report (here Cassandra's), which the conductor
    // names nowhere in its code, and a fault.
    proto::cassandra::NodeReport report;
    report.set_free_disk_bytes(sent_us);
    hb.mutable_report()->mutable_datastore()->PackFrom(report);
    hb.mutable_report()->set_fault("sent " + std::to_string(sent_us));
    proto::GuestEnvelope env;
    env.set_instance_id(instance_id);
    env.set_method("heartbeat");
    env.set_sent_us(sent_us);
    env.set_payload(hb.SerializeAsString());
    common::sign_envelope(
        env, key.empty() ? common::crypto::guest_signing_key(secret_, instance_id) : key);
    publisher_->publish(queue_, env.SerializeAsString());
  }

  std::string status(const std::string& id) { return instances_.find_any(id)->service_status; }
  std::string lastseen(const std::string& id) {
    auto r = db_.query("SELECT sent_us FROM conductor_lastseen WHERE instance_id = '" + id + "'");
    return r.empty() ? "" : r[0][0].as<std::string>();
  }

  testing::PgTestDb& db_ = testing::PgTestDb::get();
  db::PgInstanceRepository instances_{db_.pool()};
  testing::Seed seed_;
  std::string queue_;
  std::string secret_ = common::crypto::random_hex(16);
  std::unique_ptr<common::Publisher> publisher_;
};

TEST_F(ConductorServiceTest, RecordsHeartbeatsAndDropsStaleAndForgedOnes) {
  const std::string a = add_instance();
  const std::string b = add_instance();
  ConductorProcess conductor(config(3600, 3600), queue_);

  send(a, 1000, ss::kRunning);
  ASSERT_TRUE(eventually([&] { return status(a) == ss::kRunning; })) << conductor.log();
  EXPECT_EQ(lastseen(a), "1000");
  auto detail = db_.query(
      "SELECT detail->>'fault', detail::text FROM service_statuses"
      " WHERE instance_id = '" +
      a + "'");
  EXPECT_EQ(detail[0][0].as<std::string>(), "sent 1000");  // what the instance views read
  const auto report =
      datastores::cassandra::node_report(nlohmann::json::parse(detail[0][1].as<std::string>()), a);
  ASSERT_TRUE(report.has_value()) << detail[0][1].as<std::string>();
  EXPECT_EQ(report->free_disk_bytes(), 1000);
  EXPECT_EQ(db_.query("SELECT sent_us FROM agent_heartbeats WHERE instance_id = '" + a + "'")[0][0]
                .as<std::string>(),
            "1000");

  // Older than what was seen, and forged (signed with b's key): both dropped.
  send(a, 500, ss::kFailed);
  send(a, 2000, ss::kCrashed, common::crypto::guest_signing_key(secret_, b));
  // b's heartbeat comes after them in the queue: once it is recorded, they
  // have been processed too.
  send(b, 10, ss::kBlocked);
  ASSERT_TRUE(eventually([&] { return status(b) == ss::kBlocked; })) << conductor.log();
  EXPECT_EQ(status(a), ss::kRunning);
  EXPECT_EQ(lastseen(a), "1000");

  send(a, 3000, ss::kShutdown);
  ASSERT_TRUE(eventually([&] { return status(a) == ss::kShutdown; })) << conductor.log();
  EXPECT_EQ(lastseen(a), "3000");
  EXPECT_EQ(testing::RawAmqp().ready(queue_), 0u);

  EXPECT_EQ(conductor.terminate(), 0) << conductor.log();
  const std::string log = conductor.log();
  EXPECT_NE(log.find("conductor.message_forged"), std::string::npos) << log;
  EXPECT_EQ(log.find(secret_), std::string::npos) << "guest secret leaked into the log";
}

TEST_F(ConductorServiceTest, MessagesWaitInTheQueueUntilTheConductorRuns) {
  const std::string a = add_instance();
  for (int i = 1; i <= 50; ++i) send(a, i, i == 50 ? ss::kRunning : ss::kBlocked);
  EXPECT_EQ(testing::RawAmqp().ready(queue_), 50u);
  ConductorProcess conductor(config(3600, 3600), queue_);
  ASSERT_TRUE(eventually([&] { return status(a) == ss::kRunning; })) << conductor.log();
  EXPECT_EQ(lastseen(a), "50");
  EXPECT_TRUE(eventually([&] { return testing::RawAmqp().ready(queue_) == 0; }));
}

TEST_F(ConductorServiceTest, SweeperMarksSilentInstancesAndAHeartbeatRevivesThem) {
  const std::string a = add_instance();
  ConductorProcess conductor(config(2, 1), queue_);
  send(a, 1, ss::kRunning);
  ASSERT_TRUE(eventually([&] { return status(a) == ss::kRunning; })) << conductor.log();
  // Silent for more than 2 s: marked in the database by the sweeper.
  ASSERT_TRUE(eventually([&] { return status(a) == ss::kFailedTimeoutGuestagent; }))
      << conductor.log();
  EXPECT_EQ(common::user_status(common::task::kNone, status(a)), "ERROR");
  EXPECT_NE(conductor.log().find("conductor.heartbeat_expired"), std::string::npos);
  send(a, 2, ss::kRunning);
  EXPECT_TRUE(eventually([&] { return status(a) == ss::kRunning; })) << conductor.log();
}

}  // namespace
}  // namespace automat::conductor
