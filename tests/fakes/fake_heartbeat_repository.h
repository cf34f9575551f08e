#pragma once
// See fake_repository_base.h for how the fakes behave.
#include "tests/fakes/fake_instance_repository.h"
#include "tests/fakes/fake_repository_base.h"

namespace automat::testing {

class FakeHeartbeatRepository : public db::HeartbeatRepository, public FakeBase {
 public:
  struct Seen {
    int64_t sent_us = 0;
    TimePoint received;
  };
  // Last sent_us accepted per (instance, method): the stale-drop watermark.
  std::map<std::pair<std::string, std::string>, int64_t> lastseen;
  // Last message of any method per instance (agent_heartbeats).
  std::map<std::string, Seen> heartbeats;
  // Status and detail last recorded per instance (service_statuses).
  std::map<std::string, std::string> statuses;
  std::map<std::string, nlohmann::json> details;
  // When set, records for unknown or deleted instances are skipped, statuses
  // are written to the instances, and mark_expired scans them. Without it
  // every instance id is accepted and mark_expired scans `heartbeats` only.
  FakeInstanceRepository* instance_repo = nullptr;

  FakeHeartbeatRepository() = default;
  explicit FakeHeartbeatRepository(FakeInstanceRepository* instances) : instance_repo(instances) {
    if (instances) time = instances->time;
  }

  size_t record_batch(const std::vector<db::HeartbeatRecord>& records) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    // Within one batch only the newest message per (instance, method) counts.
    std::map<std::pair<std::string, std::string>, const db::HeartbeatRecord*> newest;
    for (const auto& r : records) {
      auto& slot = newest[{r.instance_id, r.method}];
      if (!slot || r.sent_us > slot->sent_us) slot = &r;
    }
    const TimePoint now = time->now();
    size_t accepted = 0;
    for (const auto& [key, r] : newest) {
      auto seen = lastseen.find(key);
      if (seen != lastseen.end() && r->sent_us <= seen->second) continue;
      if (!record_one(*r, now)) continue;
      lastseen[key] = r->sent_us;
      ++accepted;
    }
    return accepted;
  }

  // As PgHeartbeatRepository: also waits until the instance's status was
  // last written more than `expiry` ago (Pg's guard against a heartbeat
  // racing the sweep).
  std::vector<std::string> mark_expired(std::chrono::seconds expiry) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    const TimePoint cutoff = time->now() - expiry;
    std::vector<std::string> marked;
    if (!instance_repo) {
      for (const auto& [id, seen] : heartbeats) {
        if (seen.received < cutoff && mark(id)) marked.push_back(id);
      }
      return marked;
    }
    std::lock_guard<std::mutex> il(instance_repo->mu);
    for (auto& [id, inst] : instance_repo->instances) {
      if (!instance_repo->live(id) || inst.task == common::task::kDeleting ||
          inst.task == common::task::kBuilding) {
        continue;
      }
      auto hb = heartbeats.find(id);
      const bool expired = hb != heartbeats.end() ? hb->second.received < cutoff
                                                  : parse_iso8601(inst.created) < cutoff;
      if (!expired) continue;
      if (inst.service_status.empty() ||
          inst.service_status == common::service_status::kFailedTimeoutGuestagent) {
        continue;
      }
      if (inst.service_status_updated && !(parse_iso8601(*inst.service_status_updated) < cutoff)) {
        continue;
      }
      inst.service_status = common::service_status::kFailedTimeoutGuestagent;
      inst.service_status_updated = iso8601(time->now());
      statuses[id] = inst.service_status;
      marked.push_back(id);
    }
    return marked;
  }

 private:
  // Writes the observed state of one accepted message; false when its
  // instance is unknown or deleted.
  bool record_one(const db::HeartbeatRecord& r, TimePoint now) {
    if (instance_repo) {
      std::lock_guard<std::mutex> il(instance_repo->mu);
      db::Instance* inst = instance_repo->live(r.instance_id);
      if (!inst) return false;
      if (!r.service_status.empty()) write_status(*inst, r, now);
    }
    Seen& seen = heartbeats[r.instance_id];
    seen.sent_us = std::max(seen.sent_us, r.sent_us);
    seen.received = now;
    if (!r.service_status.empty()) {
      statuses[r.instance_id] = r.service_status;
      details[r.instance_id] = r.detail;
    }
    return true;
  }
  // The status and what PostgreSQL reads of its detail (service_statuses).
  static void write_status(db::Instance& inst, const db::HeartbeatRecord& r, TimePoint now) {
    inst.service_status = r.service_status;
    inst.service_status_updated = iso8601(now);
    const nlohmann::json& d = r.detail;
    inst.service_fault.reset();
    if (d.is_object() && d.contains("fault") && d["fault"].is_string()) {
      inst.service_fault = d["fault"].get<std::string>();
    }
    const auto volume_bytes = [&](const char* key) -> std::optional<int64_t> {
      if (!d.is_object() || !d.contains("volume") || !d["volume"].is_object()) return std::nullopt;
      const nlohmann::json& v = d["volume"];
      if (!v.contains(key) || v[key].is_null()) return std::nullopt;
      if (v[key].is_number()) return v[key].get<int64_t>();
      if (v[key].is_string()) return std::stoll(v[key].get<std::string>());
      return std::nullopt;
    };
    inst.volume_used_bytes = volume_bytes("used_bytes");
    inst.volume_total_bytes = volume_bytes("total_bytes");
  }
  bool mark(const std::string& id) {
    auto& status = statuses[id];
    if (status == common::service_status::kFailedTimeoutGuestagent) return false;
    status = common::service_status::kFailedTimeoutGuestagent;
    return true;
  }
};

}  // namespace automat::testing
