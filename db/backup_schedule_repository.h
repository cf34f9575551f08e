#pragma once
// Backup schedules (issue 12, section 6): an instance's or a cluster's
// backups started by the taskmanager (taskmanager/backup_scheduler.h) every
// interval or once a day, the oldest beyond a retention count deleted. Time
// is cut into slots: an interval schedule's slot is floor(unix seconds /
// interval) (so "6h" runs at 00:00, 06:00, 12:00 and 18:00 UTC), a daily
// one's is the day since the epoch whose daily time has passed. A slot runs
// at most once however many taskmanagers scan: claim_slot lets exactly one
// caller have it.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace automat::db {

// What a schedule backs up: an instance or a cluster, by id. A schedule has
// exactly one; each instance and each cluster at most one schedule.
struct BackupTarget {
  enum class Kind { kInstance, kCluster };
  Kind kind = Kind::kInstance;
  std::string id;

  static BackupTarget instance(std::string id) { return {Kind::kInstance, std::move(id)}; }
  static BackupTarget cluster(std::string id) { return {Kind::kCluster, std::move(id)}; }
  bool is_cluster() const { return kind == Kind::kCluster; }
  // "instance" or "cluster": for messages, views ("<noun>_id") and logs.
  const char* noun() const { return is_cluster() ? "cluster" : "instance"; }
  auto operator<=>(const BackupTarget&) const = default;
};

struct BackupSchedule {
  // The bounds the API, the CLI and the table (migration 012) agree on.
  static constexpr int64_t kMinIntervalSeconds = 3600;     // 1h
  static constexpr int64_t kMaxIntervalSeconds = 2592000;  // 30d
  static constexpr int kMinRetention = 1;
  static constexpr int kMaxRetention = 100;
  static constexpr int64_t kDaySeconds = 86400;

  BackupTarget target;
  std::string tenant_id;
  // Exactly one of the two rules.
  std::optional<int64_t> interval_seconds;
  std::optional<int> daily_minute;  // minutes after 00:00 UTC (0..1439)
  int retention = 7;                // scheduled COMPLETED backups kept
  // The newest slot claimed; a new schedule starts with the slot it was set
  // in, so its first backup runs when the next slot begins.
  std::optional<int64_t> last_slot;
  std::optional<std::string> last_run;  // when last_slot was claimed
  std::optional<std::string> last_backup_id;
  std::optional<std::string> last_error;  // why the last slot started nothing
  std::string created;
  std::string updated;

  // The slot holding `unix_seconds`.
  int64_t slot_at(int64_t unix_seconds) const {
    const int64_t offset = daily_minute ? int64_t{*daily_minute} * 60 : 0;
    const int64_t length = daily_minute ? kDaySeconds : interval_seconds.value_or(kDaySeconds);
    const int64_t t = unix_seconds - offset;
    return t >= 0 ? t / length : (t - length + 1) / length;
  }
  // When `slot` begins, in unix seconds.
  int64_t slot_start(int64_t slot) const {
    if (daily_minute) return slot * kDaySeconds + int64_t{*daily_minute} * 60;
    return slot * interval_seconds.value_or(kDaySeconds);
  }
  bool same_rule(const BackupSchedule& other) const {
    return interval_seconds == other.interval_seconds && daily_minute == other.daily_minute;
  }
};

class BackupScheduleRepository {
 public:
  virtual ~BackupScheduleRepository() = default;

  // Creates or replaces the schedule of `schedule.target` (its rule,
  // retention and last_slot as given; last_error cleared; last_run and
  // last_backup_id kept), only while that instance or cluster is live and
  // `schedule.tenant_id`'s. False (nothing written) otherwise.
  virtual bool put(const BackupSchedule& schedule) = 0;
  // The schedule of a live instance or cluster of the tenant.
  virtual std::optional<BackupSchedule> find(const std::string& tenant_id,
                                             const BackupTarget& target) = 0;
  // False when the tenant's live instance or cluster has none.
  virtual bool remove(const std::string& tenant_id, const BackupTarget& target) = 0;
  // Every schedule of a live instance or cluster, ordered by target
  // (instances first, then clusters, each by id). A deleted one's schedule
  // is left out: it never runs again.
  virtual std::vector<BackupSchedule> list_live() = 0;
  // Atomically raises the schedule's last_slot to `slot` (and last_run to
  // now) while it is below `slot` and the rule is still `as_read`'s (a
  // schedule replaced meanwhile counts slots anew). True for the one caller
  // that did; every other caller for that slot, concurrent or later, gets
  // false.
  virtual bool claim_slot(const BackupSchedule& as_read, int64_t slot) = 0;
  // What the claimed slot did: started `backup_id` (last_error cleared), or
  // started nothing because of `error` (last_backup_id kept).
  virtual void record_run(const BackupTarget& target, const std::optional<std::string>& backup_id,
                          const std::optional<std::string>& error) = 0;
};

}  // namespace automat::db
