#pragma once
// The one project-wide error type: an HTTP-mappable code plus a message a
// user can act on. Throw it from anywhere; the API turns it into Trove's
// {"<faultName>": {"code": N, "message": "..."}} body.
#include <stdexcept>
#include <string>

namespace automat::common {

enum class ErrorCode {
  kBadRequest = 400,
  kUnauthorized = 401,
  kForbidden = 403,
  kNotFound = 404,
  kConflict = 409,
  kOverLimit = 413,
  kUnprocessable = 422,
  kInternal = 500,
  kNotImplemented = 501,
  kUnavailable = 503,
  // A call that was sent but not answered within its deadline: unlike
  // kUnavailable, its effect may have happened (or may still happen).
  kTimedOut = 504,
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }
  int http_status() const { return static_cast<int>(code_); }

 private:
  ErrorCode code_;
};

// Trove's fault name for a code: badRequest, itemNotFound, ...
const char* fault_name(ErrorCode code);

inline Error bad_request(const std::string& m) { return Error(ErrorCode::kBadRequest, m); }
inline Error not_found(const std::string& m) { return Error(ErrorCode::kNotFound, m); }
inline Error conflict(const std::string& m) { return Error(ErrorCode::kConflict, m); }
inline Error unprocessable(const std::string& m) { return Error(ErrorCode::kUnprocessable, m); }
inline Error internal_error(const std::string& m) { return Error(ErrorCode::kInternal, m); }
inline Error unavailable(const std::string& m) { return Error(ErrorCode::kUnavailable, m); }
inline Error timed_out(const std::string& m) { return Error(ErrorCode::kTimedOut, m); }

}  // namespace automat::common
