#pragma once
// One unary call into a guest, shared by the gRPC clients of guestclient/:
// the instance's token as metadata, a deadline, and the guest's status
// turned into common::Error by meaning.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <string>

#include "common/error.h"
#include "guestclient/guest_endpoint.h"

namespace automat::guestclient {

// Metadata key of the instance's rpc token on every call.
inline constexpr const char* kTokenMetadata = "x-automat-token";

// "address:port", with an IPv6 address bracketed.
std::string target_of(const GuestEndpoint& endpoint);

// The common::Error for a failed call: UNAVAILABLE -> kUnavailable (the
// guest did not take the call), DEADLINE_EXCEEDED -> kTimedOut (it may have
// taken it: the call may have had its effect), both naming the guest and
// the method; INVALID_ARGUMENT ->
// kBadRequest, NOT_FOUND -> kNotFound, FAILED_PRECONDITION -> kConflict,
// UNIMPLEMENTED -> kNotImplemented, anything else -> kInternal; each with
// the guest's message.
common::Error error_from_status(const grpc::Status& status, const CallTarget& to,
                                const std::string& method, std::chrono::milliseconds deadline);

// Runs `fn(grpc::ClientContext*) -> grpc::Status` with the token and the
// deadline; throws error_from_status() unless it succeeded.
template <typename Fn>
void unary_call(const CallTarget& to, const std::string& method, std::chrono::milliseconds deadline,
                Fn&& fn) {
  grpc::ClientContext ctx;
  ctx.AddMetadata(kTokenMetadata, to.token);
  ctx.set_deadline(std::chrono::system_clock::now() + deadline);
  const grpc::Status status = fn(&ctx);
  if (!status.ok()) throw error_from_status(status, to, method, deadline);
}

}  // namespace automat::guestclient

namespace automat::guestclient {

// One unary call of a generated stub's method, answering its reply:
//   auto reply = call(to, "RingStatus", deadline, *stub, &Stub::RingStatus, proto::Empty());
template <typename Reply, typename Stub, typename Request>
Reply call(const CallTarget& to, const std::string& method, std::chrono::milliseconds deadline,
           Stub& stub, grpc::Status (Stub::*fn)(grpc::ClientContext*, const Request&, Reply*),
           const Request& request) {
  Reply reply;
  unary_call(to, method, deadline,
             [&](grpc::ClientContext* c) { return (stub.*fn)(c, request, &reply); });
  return reply;
}

}  // namespace automat::guestclient
