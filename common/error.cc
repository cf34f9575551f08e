#include "common/error.h"

namespace automat::common {

const char* fault_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest:
      return "badRequest";
    case ErrorCode::kUnauthorized:
      return "unauthorized";
    case ErrorCode::kForbidden:
      return "forbidden";
    case ErrorCode::kNotFound:
      return "itemNotFound";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kOverLimit:
      return "overLimit";
    case ErrorCode::kUnprocessable:
      return "unprocessableEntity";
    case ErrorCode::kInternal:
      return "instanceFault";
    case ErrorCode::kNotImplemented:
      return "notImplemented";
    case ErrorCode::kUnavailable:
      return "serviceUnavailable";
    case ErrorCode::kTimedOut:
      return "gatewayTimeout";
  }
  return "instanceFault";
}

}  // namespace automat::common
