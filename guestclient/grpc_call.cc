#include "guestclient/grpc_call.h"

namespace automat::guestclient {

std::string target_of(const GuestEndpoint& endpoint) {
  const bool v6 = endpoint.address.find(':') != std::string::npos;
  return (v6 ? "[" + endpoint.address + "]" : endpoint.address) + ":" +
         std::to_string(endpoint.guest_port);
}

common::Error error_from_status(const grpc::Status& status, const CallTarget& to,
                                const std::string& method, std::chrono::milliseconds deadline) {
  using common::ErrorCode;
  const std::string where = "guest of instance " + to.instance_id + " at " + to.target;
  const std::string& message = status.error_message();
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      return common::unavailable(where + " is unreachable (" + method + "): " + message);
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      // Not kUnavailable: the guest may have taken the call and act on it.
      return common::timed_out(where + " did not answer " + method + " within " +
                               std::to_string(deadline.count()) + " ms");
    case grpc::StatusCode::INVALID_ARGUMENT:
      return common::bad_request(message);
    case grpc::StatusCode::NOT_FOUND:
      return common::not_found(message);
    case grpc::StatusCode::FAILED_PRECONDITION:
      return common::conflict(message);
    case grpc::StatusCode::UNIMPLEMENTED:
      return common::Error(ErrorCode::kNotImplemented,
                           message.empty() ? where + " does not serve " + method : message);
    default:
      return common::internal_error(message.empty() ? where + " failed " + method : message);
  }
}

}  // namespace automat::guestclient
