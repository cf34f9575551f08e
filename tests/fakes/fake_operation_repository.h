#pragma once
// See fake_repository_base.h for how the fakes behave.
#include "tests/fakes/fake_repository_base.h"

namespace automat::testing {

class FakeOperationRepository : public db::OperationRepository, public FakeBase {
 public:
  std::map<std::string, db::Operation> operations;  // by id
  // Lease expiry per operation id; a RUNNING operation without one has lapsed.
  std::map<std::string, TimePoint> lease_until;

  // Unlocked: inserts a new operation stamped with the current time.
  void insert_locked(db::Operation op) {
    if (operations.count(op.id)) throw common::conflict("operation " + op.id + " exists");
    const std::string now = iso8601(time->now());
    if (op.created.empty()) op.created = now;
    if (op.updated.empty()) op.updated = now;
    operations[op.id] = std::move(op);
  }

  std::vector<db::Operation> list(const std::string& tenant_id,
                                  const db::OperationFilter& filter) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    const TimePoint cutoff = time->now() - filter.finished_within;
    std::vector<db::Operation> out;
    for (const auto& [id, op] : operations) {
      if (op.tenant_id != tenant_id) continue;
      if (filter.state && op.state != *filter.state) continue;
      if (filter.type && op.type != *filter.type) continue;
      if (filter.resource_id && op.resource_id != *filter.resource_id) continue;
      if (op.finished && !(parse_iso8601(*op.finished) > cutoff)) continue;
      out.push_back(op);
    }
    std::sort(out.begin(), out.end(), [](const db::Operation& a, const db::Operation& b) {
      const TimePoint ta = parse_iso8601(a.created), tb = parse_iso8601(b.created);
      return ta != tb ? ta < tb : a.id < b.id;
    });
    return out;
  }

  std::optional<db::Operation> find(const std::string& tenant_id, const std::string& id) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = operations.find(id);
    if (it == operations.end() || it->second.tenant_id != tenant_id) return std::nullopt;
    return it->second;
  }

  std::optional<db::Operation> find_any(const std::string& id) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = operations.find(id);
    if (it == operations.end()) return std::nullopt;
    return it->second;
  }

  std::optional<db::Operation> claim(const std::string& id, const std::string& owner,
                                     std::chrono::seconds lease) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = operations.find(id);
    if (it == operations.end()) return std::nullopt;
    db::Operation& op = it->second;
    const TimePoint now = time->now();
    const bool takeable =
        op.state == common::op_state::kSubmitted ||
        (op.state == common::op_state::kRunning && (op.owner == owner || lapsed(id, now)));
    if (!takeable) return std::nullopt;
    op.state = common::op_state::kRunning;
    op.owner = owner;
    lease_until[id] = now + lease;
    if (!op.started) op.started = iso8601(now);
    op.updated = iso8601(now);
    return op;
  }

  std::vector<std::string> list_resumable(std::chrono::seconds unclaimed_grace,
                                          int limit) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    const TimePoint now = time->now();
    std::vector<std::pair<TimePoint, std::string>> found;
    for (const auto& [id, op] : operations) {
      const TimePoint created = parse_iso8601(op.created);
      const bool resumable =
          (op.state == common::op_state::kRunning && lapsed(id, now)) ||
          (op.state == common::op_state::kSubmitted && created < now - unclaimed_grace);
      if (resumable) found.emplace_back(created, id);
    }
    std::sort(found.begin(), found.end());
    std::vector<std::string> out;
    for (const auto& [created, id] : found) {
      if (static_cast<int>(out.size()) >= limit) break;
      out.push_back(id);
    }
    return out;
  }

  bool renew_lease(const std::string& id, const std::string& owner,
                   std::chrono::seconds lease) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    db::Operation* op = held_by(id, owner);
    if (!op) return false;
    lease_until[id] = time->now() + lease;
    return true;
  }

  bool save_progress(const std::string& id, const std::string& owner, int step,
                     const std::string& step_name, double progress,
                     const std::string& message) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    db::Operation* op = held_by(id, owner);
    if (!op) return false;
    op->step = step;
    op->step_name = step_name;
    op->progress = progress;
    op->message = message;
    op->updated = iso8601(time->now());
    return true;
  }

  bool save_record(const std::string& id, const std::string& owner, const nlohmann::json& input,
                   const nlohmann::json& checkpoint) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    db::Operation* op = held_by(id, owner);
    if (!op) return false;
    op->input = input;
    op->checkpoint = checkpoint;
    op->updated = iso8601(time->now());
    return true;
  }

  // Finishes only an unfinished operation that `owner` holds or nobody holds.
  void finish(const std::string& id, const std::string& owner, const std::string& state,
              const std::vector<db::HostError>& errors, const std::string& message) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = operations.find(id);
    if (it == operations.end()) return;
    db::Operation& op = it->second;
    const bool unfinished =
        op.state == common::op_state::kSubmitted || op.state == common::op_state::kRunning;
    if (!unfinished || (op.owner && *op.owner != owner)) return;
    op.state = state;
    if (state == common::op_state::kCompleted) op.progress = 1.0;
    op.errors = errors;
    op.message = message;
    op.owner.reset();
    lease_until.erase(id);
    op.finished = op.updated = iso8601(time->now());
  }

 private:
  bool lapsed(const std::string& id, TimePoint now) const {
    auto it = lease_until.find(id);
    return it == lease_until.end() || it->second < now;
  }
  db::Operation* held_by(const std::string& id, const std::string& owner) {
    auto it = operations.find(id);
    if (it == operations.end()) return nullptr;
    db::Operation& op = it->second;
    if (op.state != common::op_state::kRunning || op.owner != owner) return nullptr;
    return &op;
  }
};

}  // namespace automat::testing
