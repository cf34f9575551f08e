#pragma once
// What every gRPC service of a guest does around a call: it authenticates
// the caller by the instance's rpc token (metadata "x-automat-token") and
// turns what the handler throws into a gRPC status carrying its message.
// Shared by GuestService and DatabaseAdminService.
#include <grpcpp/grpcpp.h>

#include <functional>
#include <string>

#include "common/error.h"

namespace automat::guestagent {

// Metadata key of the rpc token on every call.
inline constexpr const char* kTokenMetadata = "x-automat-token";

// The gRPC status for a common::Error: same message, code by meaning
// (400 -> INVALID_ARGUMENT, 404 -> NOT_FOUND, 503 -> UNAVAILABLE, ...).
grpc::Status to_grpc_status(const common::Error& e);

class RpcGuard {
 public:
  // `token` is the expected x-automat-token (secret, never logged).
  RpcGuard(std::string instance_id, std::string token)
      : instance_id_(std::move(instance_id)), token_(std::move(token)) {}

  // UNAUTHENTICATED (logged, without the token) unless ctx carries the token.
  grpc::Status authenticate(const grpc::ServerContext& ctx, const char* method) const;
  // Authenticates, runs `handler` (which may throw), maps what it throws to
  // a status and logs the failure (method and message only: a handler's
  // messages never hold secrets).
  grpc::Status run(grpc::ServerContext* ctx, const char* method,
                   const std::function<void()>& handler) const;

  const std::string& instance_id() const { return instance_id_; }

 private:
  const std::string instance_id_;
  const std::string token_;
};

}  // namespace automat::guestagent
