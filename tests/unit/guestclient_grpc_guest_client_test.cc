// GrpcGuestClient against an in-process gRPC guest service: the instance's
// token travels as metadata, deadlines hold, errors map to common::Error.
#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <optional>
#include <thread>

#include "automat/guest.grpc.pb.h"
#include "common/crypto.h"
#include "common/error.h"
#include "guestclient/grpc_call.h"
#include "guestclient/grpc_guest_client.h"
#include "tests/fakes/gate.h"

namespace automat::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSecret = "deployment-secret";
constexpr const char* kInstance = "5b1f0c7e-1111-4222-8333-944445555666";

class RecordingGuest : public proto::GuestAgent::Service {
 public:
  std::string last_token;
  // While set, StartPrepare answers only once the test opens the gate.
  std::atomic<bool> prepare_held{false};
  testing::Gate prepare_gate;
  proto::PrepareRequest last_prepare;
  std::string last_prepare_key;

  grpc::Status Ping(grpc::ServerContext* ctx, const proto::Empty*,
                    proto::PingReply* reply) override {
    remember_token(ctx);
    reply->set_instance_id(kInstance);
    reply->set_manager("mysql");
    return grpc::Status::OK;
  }
  grpc::Status StartPrepare(grpc::ServerContext* ctx, const proto::PrepareJob* req,
                            proto::JobReply* reply) override {
    remember_token(ctx);
    last_prepare = req->request();
    last_prepare_key = req->key();
    if (prepare_held) prepare_gate.wait();
    reply->set_key(req->key());
    reply->set_state(proto::JobReply::RUNNING);
    return grpc::Status::OK;
  }
  grpc::Status StopDatastore(grpc::ServerContext* ctx, const proto::Empty*,
                             proto::StatusReply*) override {
    remember_token(ctx);
    return grpc::Status(grpc::StatusCode::INTERNAL, "mariadbd did not stop in time");
  }
  grpc::Status GetStatus(grpc::ServerContext* ctx, const proto::Empty*,
                         proto::StatusReply* reply) override {
    remember_token(ctx);
    reply->set_service_status("SHUTDOWN");
    return grpc::Status::OK;
  }
  grpc::Status GetJob(grpc::ServerContext* ctx, const proto::JobRequest* req,
                      proto::JobReply* reply) override {
    remember_token(ctx);
    last_key = req->key();
    if (req->key() == "busy") {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "the node is draining");
    }
    if (req->key() == "bad key") {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "a job key must be 1-128 of ...");
    }
    reply->set_key(req->key());
    reply->set_kind("cleanup");
    reply->set_state(proto::JobReply::RUNNING);
    reply->set_progress(0.25);
    return grpc::Status::OK;
  }
  std::string last_key;

 private:
  void remember_token(grpc::ServerContext* ctx) {
    auto it = ctx->client_metadata().find("x-automat-token");
    last_token =
        it == ctx->client_metadata().end() ? "" : std::string(it->second.data(), it->second.size());
  }
};

class GrpcGuestClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_TRUE(server_);
    ASSERT_GT(port_, 0);
  }
  void TearDown() override { server_->Shutdown(std::chrono::system_clock::now() + 1s); }

  std::unique_ptr<guestclient::GuestClient> client(int port = 0) {
    return factory_.connect(
        guestclient::GuestEndpoint{kInstance, "127.0.0.1", port ? port : port_});
  }

  RecordingGuest service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  guestclient::GrpcGuestClientFactory factory_{kSecret};
};

TEST_F(GrpcGuestClientTest, CallsCarryTheInstancesDerivedToken) {
  const auto reply = client()->ping(5s);
  EXPECT_EQ(reply.instance_id(), kInstance);
  EXPECT_EQ(service_.last_token, common::crypto::guest_rpc_token(kSecret, kInstance));
  EXPECT_NE(service_.last_token, common::crypto::guest_rpc_token(kSecret, "other-instance"));
}

TEST_F(GrpcGuestClientTest, PrepareSendsTheRequest) {
  proto::PrepareRequest req;
  req.add_databases()->set_name("shop");
  auto* user = req.add_users();
  user->set_name("app");
  user->set_password("pw");
  const auto reply = client()->start_prepare("op-1:prepare:n1", req, 5s);
  EXPECT_EQ(reply.state(), proto::JobReply::RUNNING);
  EXPECT_EQ(reply.key(), "op-1:prepare:n1");
  EXPECT_EQ(service_.last_prepare_key, "op-1:prepare:n1");
  EXPECT_EQ(service_.last_prepare.databases(0).name(), "shop");
  EXPECT_EQ(service_.last_prepare.users(0).password(), "pw");
  EXPECT_EQ(client()->get_status(5s).service_status(), "SHUTDOWN");
}

TEST_F(GrpcGuestClientTest, AGuestErrorIsInternalWithTheGuestsMessage) {
  try {
    client()->stop_datastore(5s);
    FAIL() << "expected an error";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kInternal);
    EXPECT_STREQ(e.what(), "mariadbd did not stop in time");
  }
}

TEST_F(GrpcGuestClientTest, GetJobSendsTheKeyAndAnswersTheJob) {
  const proto::JobReply job = client()->get_job("op-1:cleanup:n1", 5s);
  EXPECT_EQ(service_.last_key, "op-1:cleanup:n1");
  EXPECT_EQ(job.state(), proto::JobReply::RUNNING);
  EXPECT_EQ(job.kind(), "cleanup");
  EXPECT_DOUBLE_EQ(job.progress(), 0.25);
  EXPECT_EQ(service_.last_token, common::crypto::guest_rpc_token(kSecret, kInstance));
}

TEST_F(GrpcGuestClientTest, GuestErrorsKeepTheirMeaning) {
  auto code_of = [&](const std::string& key) -> std::optional<common::ErrorCode> {
    try {
      client()->get_job(key, 5s);
    } catch (const common::Error& e) {
      return e.code();
    }
    return std::nullopt;
  };
  EXPECT_EQ(code_of("bad key"), common::ErrorCode::kBadRequest);
  EXPECT_EQ(code_of("busy"), common::ErrorCode::kConflict);
  EXPECT_EQ(code_of("fine"), std::nullopt);
}

TEST_F(GrpcGuestClientTest, ALinkForADatastoresClientSharesTheChannelAndCarriesTheToken) {
  guestclient::ChannelCache channels;
  guestclient::GrpcGuestClientFactory factory(kSecret, &channels);
  const guestclient::GuestEndpoint server{kInstance, "127.0.0.1", port_};
  ASSERT_EQ(factory.connect(server)->ping(5s).instance_id(), kInstance);
  const guestclient::GuestLink link = factory.link(server);
  EXPECT_EQ(link.to.instance_id, kInstance);
  EXPECT_EQ(link.to.target, "127.0.0.1:" + std::to_string(port_));
  EXPECT_EQ(link.to.token, common::crypto::guest_rpc_token(kSecret, kInstance));
  EXPECT_EQ(link.channel, channels.get(link.to.target));
  EXPECT_EQ(channels.size(), 1u);
  // A call made through the link is the guest's own.
  auto stub = proto::GuestAgent::NewStub(link.channel);
  proto::PingReply reply;
  guestclient::unary_call(link.to, "Ping", 5s, [&](grpc::ClientContext* c) {
    return stub->Ping(c, proto::Empty(), &reply);
  });
  EXPECT_EQ(reply.instance_id(), kInstance);
  EXPECT_EQ(service_.last_token, link.to.token);
}

TEST_F(GrpcGuestClientTest, AnUnimplementedCallSaysSo) {
  const guestclient::GuestLink link =
      factory_.link(guestclient::GuestEndpoint{kInstance, "127.0.0.1", port_});
  auto stub = proto::GuestAgent::NewStub(link.channel);
  try {
    guestclient::call(link.to, "RestartDatastore", 5s, *stub,
                      &proto::GuestAgent::Stub::RestartDatastore, proto::Empty());
    FAIL() << "expected an error";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kNotImplemented);
  }
}

TEST_F(GrpcGuestClientTest, ClientsOfOneGuestShareOneChannel) {
  guestclient::ChannelCache channels;
  guestclient::GrpcGuestClientFactory factory(kSecret, &channels);
  const guestclient::GuestEndpoint server{kInstance, "127.0.0.1", port_};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(factory.connect(server)->ping(5s).instance_id(), kInstance);
  EXPECT_EQ(channels.size(), 1u);
  factory.connect(guestclient::GuestEndpoint{"other", "127.0.0.2", port_});
  EXPECT_EQ(channels.size(), 2u);
}

TEST(ChannelCacheTest, TheLeastRecentlyUsedChannelGoesFirst) {
  guestclient::ChannelCache channels(2);
  const auto a = channels.get("127.0.0.1:1");
  channels.get("127.0.0.1:2");
  EXPECT_EQ(channels.get("127.0.0.1:1"), a);  // a is now the most recent
  channels.get("127.0.0.1:3");                // evicts :2
  EXPECT_EQ(channels.size(), 2u);
  EXPECT_EQ(channels.get("127.0.0.1:1"), a);
}

TEST_F(GrpcGuestClientTest, AGuestThatRestartsIsReachedAgainThroughItsChannel) {
  guestclient::ChannelCache channels;
  guestclient::GrpcGuestClientFactory factory(kSecret, &channels);
  const guestclient::GuestEndpoint server{kInstance, "127.0.0.1", port_};
  ASSERT_EQ(factory.connect(server)->ping(5s).instance_id(), kInstance);
  server_->Shutdown(std::chrono::system_clock::now());
  server_->Wait();
  EXPECT_THROW(factory.connect(server)->ping(1s), common::Error);

  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:" + std::to_string(port_), grpc::InsecureServerCredentials());
  builder.RegisterService(&service_);
  server_ = builder.BuildAndStart();
  ASSERT_TRUE(server_);
  // The reconnect backoff is capped at a second, so the guest is reached
  // again about a second after it is back; the bound (and each ping's
  // deadline) only has to hold on a busy machine too. Between failed pings
  // (a channel in backoff fails them at once) the test pauses, so it does
  // not spin against the reconnect it waits for.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  bool reached = false;
  while (!reached && std::chrono::steady_clock::now() < deadline) {
    try {
      reached = factory.connect(server)->ping(5s).instance_id() == kInstance;
    } catch (const common::Error&) {
      std::this_thread::sleep_for(50ms);
    }
  }
  EXPECT_TRUE(reached);
  EXPECT_EQ(channels.size(), 1u) << "reached through the same channel";
}

// Timed out, not unavailable: the guest may have taken the call.
TEST_F(GrpcGuestClientTest, ASlowGuestTimesOutAfterTheDeadline) {
  service_.prepare_held = true;  // the guest answers only after the deadline
  const auto started = std::chrono::steady_clock::now();
  try {
    client()->start_prepare("k", proto::PrepareRequest(), 200ms);
    ADD_FAILURE() << "expected an error";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kTimedOut);
    EXPECT_NE(std::string(e.what()).find("did not answer"), std::string::npos) << e.what();
  }
  // Well before the held guest would answer (never): the deadline ended the
  // call; the margin is for a busy machine.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5000ms);
  service_.prepare_gate.release();
}

TEST(GrpcGuestClientConnectTest, AGuestSlowToFinishTheHandshakeHasTheWholeDeadlineOfTheCall) {
  // A listener that never speaks: the TCP connection is made (the kernel
  // queues it), the HTTP/2 handshake never completes, as with a guest too
  // busy to answer in time. The call waits for it until its own deadline; a
  // connection attempt cut short sooner (gRPC's min_reconnect_backoff_ms is
  // its connect timeout) failed calls of a busy machine at once.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 16), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  guestclient::GrpcGuestClientFactory factory(kSecret);
  try {
    factory.connect(guestclient::GuestEndpoint{kInstance, "127.0.0.1", ntohs(addr.sin_port)})
        ->ping(1500ms);
    ADD_FAILURE() << "expected an error";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kTimedOut);
    EXPECT_NE(std::string(e.what()).find("did not answer Ping within 1500 ms"), std::string::npos)
        << e.what();
  }
  ::close(fd);
}

TEST_F(GrpcGuestClientTest, NobodyListeningIsUnavailable) {
  // A port that was free a moment ago: bind, note it, close.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int free_port = ntohs(addr.sin_port);
  ::close(fd);
  ASSERT_GT(free_port, 0);
  try {
    client(free_port)->ping(2s);
    FAIL() << "expected an error";
  } catch (const common::Error& e) {
    EXPECT_EQ(e.code(), common::ErrorCode::kUnavailable);
    EXPECT_NE(std::string(e.what()).find(kInstance), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace automat::testing
