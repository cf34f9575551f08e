#include "guestagent/guest_server.h"

#include "common/error.h"

namespace automat::guestagent {

std::unique_ptr<grpc::Server> start_guest_server(const std::vector<grpc::Service*>& services,
                                                 const std::string& address, int port) {
  const std::string where =
      (address.find(':') != std::string::npos ? "[" + address + "]" : address) + ":" +
      std::to_string(port);
  grpc::ResourceQuota quota("automat-guestagent");
  quota.SetMaxThreads(kGuestServerMaxThreads);

  grpc::ServerBuilder builder;
  builder.SetResourceQuota(quota);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 2);
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  int bound_port = 0;
  builder.AddListeningPort(where, grpc::InsecureServerCredentials(), &bound_port);
  for (grpc::Service* service : services) {
    if (service != nullptr) builder.RegisterService(service);
  }
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || bound_port == 0) {
    throw common::unavailable("cannot listen for gRPC on " + where +
                              " (address not local or port in use)");
  }
  return server;
}

}  // namespace automat::guestagent
