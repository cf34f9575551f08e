// The real automat-guestagent binary: started with a guest.conf like the
// compute driver writes, called over gRPC with the right and wrong tokens.
#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "automat/guest.grpc.pb.h"
#include "common/crypto.h"
#include "common/process_table.h"
#include "guestagent/child_process.h"

namespace automat::guestagent {
namespace {

using namespace std::chrono_literals;

constexpr int kPort = 8780;

// True when something accepts TCP connections on address:port.
bool listening(const std::string& address, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  ::close(fd);
  return ok;
}

std::string free_loopback_address() {
  std::mt19937 rng(std::random_device{}());
  for (int i = 0; i < 200; ++i) {
    const std::string a =
        "127.77." + std::to_string(rng() % 250 + 1) + "." + std::to_string(rng() % 250 + 2);
    if (!listening(a, kPort)) return a;
  }
  throw std::runtime_error("no free 127.77.x.y address");
}

// Resident set size of `pid` in KiB (VmRSS of /proc/<pid>/status).
long rss_kib(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(f, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// Live processes whose command line contains `text`.
std::vector<pid_t> processes_naming(const std::string& text) {
  std::vector<pid_t> pids;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = std::stoi(name);
    if (pid != ::getpid() && common::process_alive(pid) &&
        common::command_line_of(pid).find(text) != std::string::npos) {
      pids.push_back(pid);
    }
  }
  return pids;
}

// Live processes of session `sid`, found the way the compute driver does.
std::vector<pid_t> session_members(pid_t sid) {
  std::vector<pid_t> pids;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const pid_t pid = std::stoi(name);
    if (common::process_alive(pid) && common::session_of(pid) == sid) pids.push_back(pid);
  }
  return pids;
}

class GuestAgentBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* amqp = std::getenv("AUTOMAT_TEST_AMQP_URL");
    ASSERT_TRUE(amqp && *amqp) << "AUTOMAT_TEST_AMQP_URL must be set (./run_tests.sh sets it)";
    amqp_url_ = amqp;
    char tmpl[] = "/tmp/automat-it-guestagent-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    instance_id_ = common::crypto::uuid4();
    token_ = common::crypto::guest_rpc_token("it-secret", instance_id_);
    address_ = free_loopback_address();
  }

  void TearDown() override {
    if (agent_.pid() > 0 && agent_.running()) {
      send_signal(agent_.pid(), SIGKILL);
      agent_.wait_exit(10s);
    }
    for (pid_t pid : processes_naming(dir_)) send_signal(pid, SIGKILL);
    std::filesystem::remove_all(dir_);
  }

  void start_agent(const std::string& amqp_url, int heartbeat_interval) {
    const std::string conf = dir_ + "/guest.conf";
    std::ofstream f(conf);
    f << "[guestagent]\n"
      << "instance_id = " << instance_id_ << "\n"
      << "address = " << address_ << "\n"
      << "port = " << kPort << "\n"
      << "token = " << token_ << "\n"
      << "signing_key = " << common::crypto::guest_signing_key("it-secret", instance_id_) << "\n"
      << "amqp_url = " << amqp_url << "\n"
      << "manager = mysql\n"
      << "datastore_version = 10.11\n"
      << "image_location =\n"
      << "ram_mb = 512\n"
      << "instance_dir = " << dir_ << "\n"
      << "heartbeat_interval = " << heartbeat_interval << "\n"
      << "log_level = debug\n";
    f.close();
    // In its own session, as the compute driver starts it (setsid(1) execs
    // in place: a spawned child is no process group leader).
    agent_ = ChildProcess::spawn({"setsid", AUTOMAT_GUESTAGENT_BINARY, "--config", conf},
                                 dir_ + "/guestagent.log");
    channel_ = grpc::CreateChannel(address_ + ":" + std::to_string(kPort),
                                   grpc::InsecureChannelCredentials());
    stub_ = proto::GuestAgent::NewStub(channel_);
    ASSERT_TRUE(channel_->WaitForConnected(std::chrono::system_clock::now() + 15s))
        << "agent did not listen; log:\n"
        << log();
  }

  grpc::Status call_status(proto::StatusReply* reply) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 10s);
    ctx.AddMetadata("x-automat-token", token_);
    return stub_->GetStatus(&ctx, proto::Empty(), reply);
  }

  pid_t mariadbd_pid() const {
    std::ifstream f(dir_ + "/mysql/mariadbd.pid");
    pid_t pid = 0;
    f >> pid;
    return pid;
  }

  grpc::Status ping(const std::string& token, proto::PingReply* reply) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 5s);
    if (!token.empty()) ctx.AddMetadata("x-automat-token", token);
    return stub_->Ping(&ctx, proto::Empty(), reply);
  }

  std::string log() const {
    std::ifstream f(dir_ + "/guestagent.log");
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  }

  // Sends SIGTERM and expects a clean exit within 10 s.
  void expect_clean_stop() {
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(send_signal(agent_.pid(), SIGTERM));
    ASSERT_TRUE(agent_.wait_exit(10s)) << "agent ignored SIGTERM";
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
    ASSERT_TRUE(agent_.wait_status());
    EXPECT_TRUE(WIFEXITED(*agent_.wait_status()) && WEXITSTATUS(*agent_.wait_status()) == 0)
        << log();
    EXPECT_FALSE(listening(address_, kPort));
  }

  std::string amqp_url_, dir_, instance_id_, token_, address_;
  ChildProcess agent_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<proto::GuestAgent::Stub> stub_;
};

TEST_F(GuestAgentBinaryTest, AnswersOnlyCallsCarryingTheInstanceToken) {
  start_agent(amqp_url_, 10);

  proto::PingReply reply;
  grpc::Status s = ping(token_, &reply);
  ASSERT_TRUE(s.ok()) << s.error_message() << "\n" << log();
  EXPECT_EQ(reply.instance_id(), instance_id_);
  EXPECT_EQ(reply.manager(), "mysql");

  EXPECT_EQ(ping("wrong-token", &reply).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(ping("", &reply).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // Another instance's token is just as wrong.
  EXPECT_EQ(ping(common::crypto::guest_rpc_token("it-secret", "other"), &reply).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  grpc::ClientContext ctx;
  ctx.AddMetadata("x-automat-token", token_);
  proto::StatusReply status;
  ASSERT_TRUE(stub_->GetStatus(&ctx, proto::Empty(), &status).ok());
  EXPECT_EQ(status.service_status(), "NEW");

  const long rss = rss_kib(agent_.pid());
  std::cout << "guestagent idle RSS: " << rss << " KiB\n";
  RecordProperty("idle_rss_kib", std::to_string(rss));
  EXPECT_GT(rss, 0);
  // The target (< 20 MB idle) is tracked in docs/performance.md; this only
  // catches gross regressions such as a large static allocation.
  EXPECT_LT(rss, 32 * 1024);

  // Secrets never reach the log.
  const std::string text = log();
  EXPECT_EQ(text.find(token_), std::string::npos);
  EXPECT_NE(text.find("event=rpc.unauthenticated"), std::string::npos);
  expect_clean_stop();
}

TEST_F(GuestAgentBinaryTest, KeepsServingWhileTheBrokerIsDown) {
  // Nothing listens on port 1: every heartbeat fails.
  start_agent("amqp://guest:guest@127.0.0.1:1/", 1);
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  // Two failed heartbeats: the loop goes on after a failure.
  while (true) {
    const std::string text = log();
    size_t n = 0;
    for (auto p = text.find("heartbeat.publish_failed"); p != std::string::npos;
         p = text.find("heartbeat.publish_failed", p + 1)) {
      ++n;
    }
    if (n >= 2) break;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << text;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(agent_.running());
  proto::PingReply reply;
  EXPECT_TRUE(ping(token_, &reply).ok());
  expect_clean_stop();
}

TEST_F(GuestAgentBinaryTest, DatastoreOutlivesTheAgentAndTheNextAgentTakesItBack) {
  ASSERT_EQ(::geteuid(), 0u) << "the MySQL guest runs as root (mariadbd as mysql)";
  start_agent(amqp_url_, 3600);

  proto::PrepareRequest req;
  req.add_databases()->set_name("app");
  auto* user = req.add_users();
  user->set_name("app_user");
  user->set_password("app-pass-1");
  user->add_databases("app");
  proto::PrepareJob job;
  job.set_key("op-1:prepare:" + instance_id_);
  *job.mutable_request() = req;
  proto::JobReply progress;
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 10s);
    ctx.AddMetadata("x-automat-token", token_);
    const grpc::Status s = stub_->StartPrepare(&ctx, job, &progress);
    ASSERT_TRUE(s.ok()) << s.error_message() << "\n" << log();
  }
  // The call answers at once; the job is followed with GetJob.
  const auto prepared_by = std::chrono::steady_clock::now() + 180s;
  while (progress.state() == proto::JobReply::RUNNING) {
    ASSERT_LT(std::chrono::steady_clock::now(), prepared_by) << log();
    std::this_thread::sleep_for(200ms);
    proto::JobRequest look;
    look.set_key(job.key());
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 10s);
    ctx.AddMetadata("x-automat-token", token_);
    ASSERT_TRUE(stub_->GetJob(&ctx, look, &progress).ok()) << log();
  }
  ASSERT_EQ(progress.state(), proto::JobReply::SUCCEEDED) << progress.message() << "\n" << log();
  proto::StatusReply reply;
  ASSERT_TRUE(call_status(&reply).ok());
  EXPECT_EQ(reply.service_status(), "RUNNING");
  // Prepare announces RUNNING at once (the interval here is an hour).
  const std::string running_beat =
      "event=heartbeat.sent instance=" + instance_id_ + " status=RUNNING";
  const auto beat_by = std::chrono::steady_clock::now() + 10s;
  while (log().find(running_beat) == std::string::npos) {
    ASSERT_LT(std::chrono::steady_clock::now(), beat_by) << log();
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(log().find("app-pass-1"), std::string::npos) << "a password reached the log";
  std::cout << "guestagent RSS after prepare: " << rss_kib(agent_.pid()) << " KiB\n";

  const pid_t first_agent = agent_.pid();
  const pid_t db = mariadbd_pid();
  ASSERT_GT(db, 0);
  EXPECT_EQ(common::session_of(db), first_agent) << "mariadbd must live in the agent's session";

  // The agent exits on SIGTERM; the datastore keeps serving.
  expect_clean_stop();
  EXPECT_TRUE(common::process_alive(db));
  EXPECT_TRUE(listening(address_, 3306));

  // A new agent (new session) takes the datastore into its own session.
  start_agent(amqp_url_, 10);
  const auto deadline = std::chrono::steady_clock::now() + 90s;
  for (;;) {
    const pid_t now = mariadbd_pid();
    if (now > 0 && common::process_alive(now) && common::session_of(now) == agent_.pid() &&
        call_status(&reply).ok() && reply.service_status() == "RUNNING") {
      break;
    }
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << log();
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_FALSE(common::process_alive(db));

  // Deleting the node the compute driver's way: end the agent's session.
  const pid_t sid = agent_.pid();
  for (pid_t pid : session_members(sid)) send_signal(pid, SIGTERM);
  ASSERT_TRUE(agent_.wait_exit(10s));
  const auto gone_by = std::chrono::steady_clock::now() + 30s;
  while (!session_members(sid).empty()) {
    ASSERT_LT(std::chrono::steady_clock::now(), gone_by) << "session members left";
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_FALSE(listening(address_, 3306));
}

}  // namespace
}  // namespace automat::guestagent
