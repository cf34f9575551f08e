#pragma once
// The error every db/ call throws when PostgreSQL cannot be reached, or a
// connection died and one retry on a new connection did not help. It is a
// common::Error with code kUnavailable (HTTP 503) like any other; a caller
// that must tell a database outage from other unavailability catches this
// type (the taskmanager lets the operation go, to resume it from its cursor
// once the database is back, rather than failing it).
#include <string>

#include "common/error.h"

namespace automat::db {

class DatabaseUnavailable : public common::Error {
 public:
  explicit DatabaseUnavailable(const std::string& message)
      : common::Error(common::ErrorCode::kUnavailable, message) {}
};

}  // namespace automat::db
