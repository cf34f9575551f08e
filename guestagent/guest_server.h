#pragma once
// The guest's gRPC server, sized for a small idle footprint: one completion
// queue, at most two pollers and a bounded thread count.
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

namespace automat::guestagent {

// Threads the server may use for calls at once (a long Prepare holds one).
inline constexpr int kGuestServerMaxThreads = 6;

// Starts serving `services` (borrowed; they must outlive the server; null
// entries are skipped) on `address`:`port`. Throws
// common::Error(kUnavailable) when it cannot bind.
std::unique_ptr<grpc::Server> start_guest_server(const std::vector<grpc::Service*>& services,
                                                 const std::string& address, int port);

}  // namespace automat::guestagent
