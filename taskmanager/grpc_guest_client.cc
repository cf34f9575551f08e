#include "taskmanager/grpc_guest_client.h"

#include <grpcpp/grpcpp.h>

#include "automat/guest.grpc.pb.h"
#include "common/crypto.h"
#include "common/error.h"

namespace automat::taskmanager {
namespace {

constexpr const char* kTokenHeader = "x-automat-token";

class GrpcGuestClient : public GuestClient {
 public:
  GrpcGuestClient(const compute::Server& server, std::string token)
      : target_(server.address + ":" + std::to_string(server.guest_port)),
        instance_id_(server.instance_id),
        token_(std::move(token)),
        stub_(proto::GuestAgent::NewStub(
            grpc::CreateChannel(target_, grpc::InsecureChannelCredentials()))) {}

  proto::PingReply ping(std::chrono::milliseconds deadline) override {
    proto::PingReply reply;
    call("Ping", deadline,
         [&](grpc::ClientContext* c) { return stub_->Ping(c, proto::Empty(), &reply); });
    return reply;
  }

  proto::StatusReply prepare(const proto::PrepareRequest& req,
                             std::chrono::milliseconds deadline) override {
    proto::StatusReply reply;
    call("Prepare", deadline,
         [&](grpc::ClientContext* c) { return stub_->Prepare(c, req, &reply); });
    return reply;
  }

  proto::StatusReply get_status(std::chrono::milliseconds deadline) override {
    return status_call("GetStatus", deadline, &proto::GuestAgent::Stub::GetStatus);
  }
  proto::StatusReply start_datastore(std::chrono::milliseconds deadline) override {
    return status_call("StartDatastore", deadline, &proto::GuestAgent::Stub::StartDatastore);
  }
  proto::StatusReply stop_datastore(std::chrono::milliseconds deadline) override {
    return status_call("StopDatastore", deadline, &proto::GuestAgent::Stub::StopDatastore);
  }
  proto::StatusReply restart_datastore(std::chrono::milliseconds deadline) override {
    return status_call("RestartDatastore", deadline, &proto::GuestAgent::Stub::RestartDatastore);
  }

  nlohmann::json act(const std::string& action, const nlohmann::json& args,
                     std::chrono::milliseconds deadline) override {
    proto::ActionRequest req;
    req.set_action(action);
    req.set_args_json(args.dump());
    proto::ActionReply reply;
    const std::string method = "Act:" + action;
    call(method.c_str(), deadline,
         [&](grpc::ClientContext* c) { return stub_->Act(c, req, &reply); });
    try {
      return reply.result_json().empty() ? nlohmann::json::object()
                                         : nlohmann::json::parse(reply.result_json());
    } catch (const nlohmann::json::exception&) {
      throw common::internal_error("guest of instance " + instance_id_ + " answered " + action +
                                   " with something that is not JSON");
    }
  }

 private:
  using StatusMethod = grpc::Status (proto::GuestAgent::Stub::*)(grpc::ClientContext*,
                                                                 const proto::Empty&,
                                                                 proto::StatusReply*);

  proto::StatusReply status_call(const char* method, std::chrono::milliseconds deadline,
                                 StatusMethod fn) {
    proto::StatusReply reply;
    call(method, deadline,
         [&](grpc::ClientContext* c) { return (stub_.get()->*fn)(c, proto::Empty(), &reply); });
    return reply;
  }

  // Runs one unary call with the token and deadline; maps a failed status to
  // common::Error as guest_client.h promises.
  template <typename Fn>
  void call(const char* method, std::chrono::milliseconds deadline, Fn&& fn) {
    grpc::ClientContext ctx;
    ctx.AddMetadata(kTokenHeader, token_);
    ctx.set_deadline(std::chrono::system_clock::now() + deadline);
    const grpc::Status status = fn(&ctx);
    if (status.ok()) return;
    const std::string where = "guest of instance " + instance_id_ + " at " + target_;
    switch (status.error_code()) {
      case grpc::StatusCode::UNAVAILABLE:
        throw common::unavailable(where + " is unreachable (" + method +
                                  "): " + status.error_message());
      case grpc::StatusCode::DEADLINE_EXCEEDED:
        throw common::unavailable(where + " did not answer " + method + " within " +
                                  std::to_string(deadline.count()) + " ms");
      case grpc::StatusCode::INVALID_ARGUMENT:
        throw common::bad_request(status.error_message());
      case grpc::StatusCode::FAILED_PRECONDITION:
        throw common::conflict(status.error_message());
      default:
        throw common::internal_error(status.error_message().empty() ? where + " failed " + method
                                                                    : status.error_message());
    }
  }

  std::string target_;
  std::string instance_id_;
  std::string token_;
  std::unique_ptr<proto::GuestAgent::Stub> stub_;
};

}  // namespace

GrpcGuestClientFactory::GrpcGuestClientFactory(std::string guest_secret)
    : guest_secret_(std::move(guest_secret)) {}

std::unique_ptr<GuestClient> GrpcGuestClientFactory::connect(const compute::Server& server) {
  return std::make_unique<GrpcGuestClient>(
      server, common::crypto::guest_rpc_token(guest_secret_, server.instance_id));
}

}  // namespace automat::taskmanager
