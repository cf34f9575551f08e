#pragma once
// An in-process gRPC guest service that records what the client sent
// (RecordingGuest), and the fixture serving it on a free loopback port
// (GrpcGuestClientTest): shared by the gRPC guest client's unit tests and
// its integration tests (a real channel's reconnects and deadlines).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "automat/guest.grpc.pb.h"
#include "guestclient/grpc_guest_client.h"
#include "tests/fakes/gate.h"

namespace automat::testing {

inline constexpr const char* kSecret = "deployment-secret";
inline constexpr const char* kInstance = "5b1f0c7e-1111-4222-8333-944445555666";

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
  // StartStop answers the job RUNNING, or an error under the key "refused".
  grpc::Status StartStop(grpc::ServerContext* ctx, const proto::JobRequest* req,
                         proto::JobReply* reply) override {
    remember_token(ctx);
    last_stop_key = req->key();
    if (req->key() == "refused") {
      return grpc::Status(grpc::StatusCode::INTERNAL, "the guest runs too many jobs");
    }
    reply->set_key(req->key());
    reply->set_kind("stop");
    reply->set_state(proto::JobReply::RUNNING);
    return grpc::Status::OK;
  }
  std::string last_stop_key;
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
  void TearDown() override {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }

  std::unique_ptr<guestclient::GuestClient> client(int port = 0) {
    return factory_.connect(
        guestclient::GuestEndpoint{kInstance, "127.0.0.1", port ? port : port_});
  }

  RecordingGuest service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  guestclient::GrpcGuestClientFactory factory_{kSecret};
};

}  // namespace automat::testing
