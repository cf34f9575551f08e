#pragma once
// The [conductor] options (with [DEFAULT] fallbacks), read and checked once
// at start-up. Every option is documented in etc/automat.conf.
#include <chrono>
#include <cstddef>
#include <string>

#include "common/config.h"

namespace automat::conductor {

struct ConductorSettings {
  std::string database_url;
  std::string amqp_url;
  std::string guest_secret;
  // The queue to consume: common::kConductorQueue, where guests publish.
  // Only tests point a conductor at a queue of their own.
  std::string queue;
  // [conductor] prefetch: messages per batch. The broker may send up to two
  // batches ahead, so the next batch is already here while one is written.
  int batch = 500;
  // Receive loops, each with its own broker connection and batches, so that
  // several batches are written to the database at once.
  int receivers = 2;
  // At least receivers + 1 (every receiver writes on its own connection,
  // the sweeper needs one more), whatever [conductor] db_pool_size says.
  size_t db_pool_size = 3;
  std::chrono::seconds expiry{60};
  std::chrono::seconds sweep_interval{5};

  // Throws common::Error(kBadRequest) naming the first bad option.
  static ConductorSettings from(const common::Config& cfg);
};

}  // namespace automat::conductor
