#pragma once
// The [taskmanager] options (with [DEFAULT] fallbacks) and the [quota]
// defaults, read and checked once at start-up. Every option is documented
// in etc/automat.conf, whose values are these defaults.
#include <chrono>
#include <string>

#include "common/config.h"
#include "db/quota.h"

namespace automat::taskmanager {

struct TaskmanagerSettings {
  std::string database_url;
  std::string amqp_url;
  int workers = 4;
  int db_pool_size = 4;
  // An owned operation's lease, renewed every fifth of it while its owner
  // works (LeaseKeeper). Short, so a killed owner's operations are taken
  // over soon; long enough that four renewals in a row may fail first.
  std::chrono::seconds lease{5};
  // Between scans for operations to resume (lapsed leases, lost messages).
  std::chrono::seconds resume_scan_interval{2};
  // A SUBMITTED operation nobody claimed this long is picked up by the scan.
  std::chrono::seconds unclaimed_grace{10};
  // Between scans for orphans (guests, directories, address leases of no
  // live instance); zero turns the reaper off.
  std::chrono::seconds orphan_scan_interval{60};
  // An orphan is removed only once its youngest part is this old.
  std::chrono::seconds orphan_grace{300};
  // Between scans of the backup schedules (due backups, retention); zero
  // turns the backup scheduler off. A due backup starts within one scan of
  // its slot.
  std::chrono::seconds backup_schedule_scan_interval{60};
  // [quota]: the limits of a tenant that has none of its own; a scheduled
  // backup is charged to its tenant's backups quota as POST /backups is.
  db::QuotaValues quota_defaults = db::default_quota_limits();

  // The longest a killed owner's operation waits before another
  // taskmanager claims it: the rest of its lease, then up to one scan.
  std::chrono::seconds takeover_bound() const { return lease + resume_scan_interval; }

  // Throws common::Error(kBadRequest) naming the first bad option.
  static TaskmanagerSettings from(const common::Config& cfg);
};

}  // namespace automat::taskmanager
