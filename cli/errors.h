#pragma once
// How the CLI reports failure: server errors keep the server's code and
// message (common::Error); a request that got no answer is a ConnectionError.
#include <string>
#include <string_view>

#include "common/error.h"

namespace automat::cli {

// No HTTP answer at all (refused, DNS, timeout). The message names the URL.
class ConnectionError : public common::Error {
 public:
  explicit ConnectionError(const std::string& message)
      : common::Error(common::ErrorCode::kUnavailable, message) {}
};

// The message of a Trove-style error body {"badRequest": {"code": 400,
// "message": "..."}}; for any other body, its first line (trimmed, at most
// 200 characters), or "HTTP <status>" when the body is empty.
std::string message_from_error_body(int status, std::string_view body);

// The server error a response stands for, to be thrown.
common::Error error_from_response(int status, std::string_view body);

// One line for the user: "ERROR (400): <message>" for a server answer,
// "ERROR: <message>" for a ConnectionError or a local (CLI-side) error.
std::string format_error(const common::Error& error);

// A local mistake by the user, detected before anything is sent (bad --user,
// unknown flavor name, no AUTOMAT_URL). Printed as "ERROR: <message>".
class UsageError : public common::Error {
 public:
  explicit UsageError(const std::string& message)
      : common::Error(common::ErrorCode::kBadRequest, message) {}
};

}  // namespace automat::cli
