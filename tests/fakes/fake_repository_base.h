#pragma once
// In-memory implementations of every interface of db/repositories.h, for
// unit tests. Thread-safe (one mutex per fake). State lives in public members
// so a test can seed and inspect it directly (do so while no other thread
// uses the fake, or hold `mu`). Each fake honours its interface's promises:
// claim/lease, stale-drop, tenant scoping, allowed tasks, lowest free address;
// db_fakes_test runs on them the contracts of tests/support/*_contract.h that
// the Pg repositories pass, and where they differ PostgreSQL is right.
//
// Time: fakes that need a clock read `time->now()`; by default that is the
// system clock; `time->set(t)` / `time->advance(d)` freeze it for tests.
// Linked fakes share one FakeTime (see the constructors).
//
// Set `unavailable = true` on any fake to make every call throw
// db::DatabaseUnavailable, as the Pg repositories do when the database is down.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/crypto.h"
#include "common/error.h"
#include "common/status.h"
#include "db/repositories.h"

namespace automat::testing {

using TimePoint = std::chrono::system_clock::time_point;

// A clock that follows the system clock until set or advanced.
class FakeTime {
 public:
  TimePoint now() const {
    std::lock_guard<std::mutex> l(mu_);
    return frozen_ ? *frozen_ : std::chrono::system_clock::now();
  }
  void set(TimePoint t) {
    std::lock_guard<std::mutex> l(mu_);
    frozen_ = t;
  }
  // Freezes the clock (at the current time if not frozen yet), then moves it.
  void advance(std::chrono::system_clock::duration d) {
    std::lock_guard<std::mutex> l(mu_);
    if (!frozen_) frozen_ = std::chrono::system_clock::now();
    *frozen_ += d;
  }

 private:
  mutable std::mutex mu_;
  std::optional<TimePoint> frozen_;
};

// "YYYY-MM-DDTHH:MM:SSZ", as the Pg repositories return timestamps.
inline std::string iso8601(TimePoint t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Parses iso8601() output; an empty or malformed string is the epoch.
inline TimePoint parse_iso8601(const std::string& s) {
  std::tm tm{};
  if (s.empty() || std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                               &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
    return TimePoint{};
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

// Shared by every fake: the mutex, the clock and the outage switch.
struct FakeBase {
  mutable std::mutex mu;
  std::shared_ptr<FakeTime> time = std::make_shared<FakeTime>();
  bool unavailable = false;

  void check_available() const {
    if (unavailable) throw db::DatabaseUnavailable("database unavailable: fake outage");
  }
};

}  // namespace automat::testing
