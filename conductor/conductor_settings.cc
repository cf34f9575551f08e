#include "conductor/conductor_settings.h"

#include <algorithm>

#include "common/broker.h"
#include "common/error.h"

namespace automat::conductor {
namespace {

constexpr const char* kSection = "conductor";

void require_range(const char* key, long value, long min, long max) {
  if (value < min || value > max) {
    throw common::bad_request("[conductor] " + std::string(key) + " must be between " +
                              std::to_string(min) + " and " + std::to_string(max) + ", got " +
                              std::to_string(value));
  }
}

}  // namespace

ConductorSettings ConductorSettings::from(const common::Config& cfg) {
  ConductorSettings s;
  s.database_url = cfg.get(kSection, "database_url");
  s.amqp_url = cfg.get(kSection, "amqp_url");
  s.guest_secret = cfg.get(kSection, "guest_secret");
  s.queue = cfg.get(kSection, "queue", common::kConductorQueue);
  s.batch = cfg.get_int(kSection, "prefetch", 500);
  s.receivers = cfg.get_int(kSection, "receivers", 2);
  const int pool = cfg.get_int(kSection, "db_pool_size", 2);
  s.expiry = std::chrono::seconds(cfg.get_int(kSection, "agent_heartbeat_expiry", 60));
  s.sweep_interval = std::chrono::seconds(cfg.get_int(kSection, "sweep_interval", 5));

  if (s.database_url.empty()) throw common::bad_request("[DEFAULT] database_url is not set");
  if (s.amqp_url.empty()) throw common::bad_request("[DEFAULT] amqp_url is not set");
  if (s.guest_secret.empty()) throw common::bad_request("[DEFAULT] guest_secret is not set");
  if (s.queue.empty()) throw common::bad_request("[conductor] queue must not be empty");
  require_range("prefetch", s.batch, 1, 30000);  // 2 * batch must fit AMQP's 16-bit prefetch
  require_range("receivers", s.receivers, 1, 32);
  require_range("db_pool_size", pool, 1, 1000);
  require_range("agent_heartbeat_expiry", s.expiry.count(), 1, 86400 * 365);
  require_range("sweep_interval", s.sweep_interval.count(), 1, 86400);
  s.db_pool_size = std::max(static_cast<size_t>(pool), static_cast<size_t>(s.receivers) + 1);
  return s;
}

}  // namespace automat::conductor
