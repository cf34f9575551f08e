#include "guestagent/rpc_guard.h"

#include "common/crypto.h"
#include "common/log.h"

namespace automat::guestagent {

grpc::Status to_grpc_status(const common::Error& e) {
  using common::ErrorCode;
  grpc::StatusCode code = grpc::StatusCode::INTERNAL;
  switch (e.code()) {
    case ErrorCode::kBadRequest:
    case ErrorCode::kUnprocessable:
      code = grpc::StatusCode::INVALID_ARGUMENT;
      break;
    case ErrorCode::kUnauthorized:
      code = grpc::StatusCode::UNAUTHENTICATED;
      break;
    case ErrorCode::kForbidden:
      code = grpc::StatusCode::PERMISSION_DENIED;
      break;
    case ErrorCode::kNotFound:
      code = grpc::StatusCode::NOT_FOUND;
      break;
    case ErrorCode::kConflict:
      code = grpc::StatusCode::FAILED_PRECONDITION;
      break;
    case ErrorCode::kOverLimit:
      code = grpc::StatusCode::RESOURCE_EXHAUSTED;
      break;
    case ErrorCode::kNotImplemented:
      code = grpc::StatusCode::UNIMPLEMENTED;
      break;
    case ErrorCode::kUnavailable:
      code = grpc::StatusCode::UNAVAILABLE;
      break;
    case ErrorCode::kTimedOut:
      code = grpc::StatusCode::DEADLINE_EXCEEDED;
      break;
    case ErrorCode::kInternal:
      break;
  }
  return grpc::Status(code, e.what());
}

grpc::Status RpcGuard::authenticate(const grpc::ServerContext& ctx, const char* method) const {
  const auto& md = ctx.client_metadata();
  const auto it = md.find(kTokenMetadata);
  const std::string given = it == md.end() ? "" : std::string(it->second.data(), it->second.size());
  if (!given.empty() && common::crypto::equal_ct(given, token_)) return grpc::Status::OK;
  common::log::warn("rpc.unauthenticated", {{"instance", instance_id_},
                                            {"method", method},
                                            {"peer", ctx.peer()},
                                            {"token_present", given.empty() ? "no" : "yes"}});
  return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "missing or wrong x-automat-token");
}

grpc::Status RpcGuard::run(grpc::ServerContext* ctx, const char* method,
                           const std::function<void()>& handler) const {
  if (auto auth = authenticate(*ctx, method); !auth.ok()) return auth;
  try {
    handler();
    return grpc::Status::OK;
  } catch (const common::Error& e) {
    common::log::error("rpc.failed",
                       {{"instance", instance_id_}, {"method", method}, {"error", e.what()}});
    return to_grpc_status(e);
  } catch (const std::exception& e) {
    common::log::error("rpc.failed",
                       {{"instance", instance_id_}, {"method", method}, {"error", e.what()}});
    return grpc::Status(grpc::StatusCode::INTERNAL, e.what());
  }
}

}  // namespace automat::guestagent
