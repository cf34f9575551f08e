#pragma once
// Enabling the datastore's superuser on a node, for POST
// /clusters/{id}/root. The production implementation asks the node's guest
// (gRPC action "enable_root"); unit tests inject a fake. Thread-safe.
#include <nlohmann/json.hpp>

#include "db/models.h"

namespace automat::api {

class RootEnabler {
 public:
  virtual ~RootEnabler() = default;
  // Creates (or resets) a superuser on `node` and returns
  // {"name": ..., "password": ...}. The password is shown once to the
  // caller; it must never be logged. Throws common::Error (kUnavailable when
  // the guest cannot be reached, with a message a user can act on).
  virtual nlohmann::json enable_root(const db::Instance& node) = 0;
};

}  // namespace automat::api
