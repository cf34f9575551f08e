#pragma once
// In-memory implementations of every interface of db/repositories.h, for
// unit tests. Thread-safe (one mutex per fake). State lives in public members
// so a test can seed and inspect it directly (do so while no other thread
// uses the fake, or hold `mu`). Each fake honours its interface's promises:
// claim/lease, stale-drop, tenant scoping, allowed tasks, lowest free address.
//
// Time: fakes that need a clock read `time->now()`; by default that is the
// system clock; `time->set(t)` / `time->advance(d)` freeze it for tests.
// Linked fakes share one FakeTime (see the constructors).
//
// Set `unavailable = true` on any fake to make every call throw
// Error(kUnavailable), as the Pg repositories do when the database is down.
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
    if (unavailable) throw common::unavailable("database unavailable: fake outage");
  }
};

class FakeTokenRepository : public db::TokenRepository, public FakeBase {
 public:
  struct TokenRow {
    std::string tenant_id;
    std::vector<std::string> roles;
    std::optional<TimePoint> expires;
  };
  std::map<std::string, db::Tenant> tenants;  // by id
  std::map<std::string, TokenRow> tokens;     // by token hash

  std::string ensure_tenant(const std::string& tenant_name) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    for (const auto& [id, t] : tenants) {
      if (t.name == tenant_name) return id;
    }
    const std::string id = common::crypto::uuid4();
    tenants[id] = db::Tenant{id, tenant_name};
    return id;
  }

  void add_token(const std::string& token_hash, const std::string& tenant_id,
                 const std::vector<std::string>& roles) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    if (!tenants.count(tenant_id)) throw common::bad_request("unknown tenant " + tenant_id);
    if (tokens.count(token_hash)) throw common::conflict("token already exists");
    tokens[token_hash] = TokenRow{tenant_id, roles, std::nullopt};
  }

  std::optional<db::Principal> find_by_hash(const std::string& token_hash) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = tokens.find(token_hash);
    if (it == tokens.end()) return std::nullopt;
    if (it->second.expires && *it->second.expires <= time->now()) return std::nullopt;
    return db::Principal{it->second.tenant_id, it->second.roles};
  }
};

class FakeCatalogRepository : public db::CatalogRepository, public FakeBase {
 public:
  // Datastores by id; their `versions` member is ignored here and filled
  // from `versions` on every read.
  std::map<std::string, db::Datastore> datastores;
  std::map<std::string, db::DatastoreVersion> versions;  // by id
  std::map<std::string, db::Flavor> flavors;             // by id

  std::vector<db::Datastore> list_datastores() override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    std::vector<db::Datastore> out;
    for (const auto& [id, ds] : datastores) out.push_back(with_versions(ds));
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.name < b.name; });
    return out;
  }

  std::optional<db::Datastore> find_datastore(const std::string& name_or_id) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    const db::Datastore* ds = lookup_datastore(name_or_id);
    if (!ds) return std::nullopt;
    return with_versions(*ds);
  }

  std::optional<db::DatastoreVersion> find_version(const std::string& datastore_name_or_id,
                                                   const std::string& version) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    const db::Datastore* ds = lookup_datastore(datastore_name_or_id);
    if (!ds) return std::nullopt;
    for (const auto& [id, v] : versions) {
      if (v.datastore_id == ds->id && v.id == version) return filled(v);
    }
    for (const auto& [id, v] : versions) {
      if (v.datastore_id == ds->id && v.name == version) return filled(v);
    }
    return std::nullopt;
  }

  std::optional<db::DatastoreVersion> find_version_by_id(const std::string& version_id) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = versions.find(version_id);
    if (it == versions.end()) return std::nullopt;
    return filled(it->second);
  }

  std::string register_version(const std::string& datastore_name,
                               const db::DatastoreVersion& version, bool make_default) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    db::Datastore* ds = nullptr;
    for (auto& [id, d] : datastores) {
      if (d.name == datastore_name) ds = &d;
    }
    if (!ds) {
      const std::string id = common::crypto::uuid4();
      ds = &datastores[id];
      ds->id = id;
      ds->name = datastore_name;
    }
    db::DatastoreVersion v = version;
    v.datastore_id = ds->id;
    v.datastore_name = ds->name;
    v.id.clear();
    for (const auto& [id, existing] : versions) {
      if (existing.datastore_id == ds->id && existing.name == version.name) v.id = id;
    }
    if (v.id.empty()) v.id = version.id.empty() ? common::crypto::uuid4() : version.id;
    versions[v.id] = v;
    if (make_default) ds->default_version_id = v.id;
    return v.id;
  }

  std::vector<db::Flavor> list_flavors() override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    std::vector<db::Flavor> out;
    for (const auto& [id, f] : flavors) out.push_back(f);
    // Natural order of ids, as the Pg repository sorts: "2" before "10".
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) {
      return std::make_pair(a.id.size(), a.id) < std::make_pair(b.id.size(), b.id);
    });
    return out;
  }

  std::optional<db::Flavor> find_flavor(const std::string& id_or_name) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = flavors.find(id_or_name);
    if (it != flavors.end()) return it->second;
    for (const auto& [id, f] : flavors) {
      if (f.name == id_or_name) return f;
    }
    return std::nullopt;
  }

  void upsert_flavor(const db::Flavor& flavor) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    for (const auto& [id, f] : flavors) {
      if (id != flavor.id && f.name == flavor.name) {
        throw common::conflict("flavor name '" + flavor.name + "' is taken by flavor " + id);
      }
    }
    flavors[flavor.id] = flavor;
  }

  // Unlocked helper for linked fakes: fills datastore/version names.
  void fill_names(db::Instance& inst) const {
    auto it = versions.find(inst.datastore_version_id);
    if (it == versions.end()) return;
    inst.datastore_version_name = it->second.name;
    auto ds = datastores.find(it->second.datastore_id);
    if (ds != datastores.end()) inst.datastore_name = ds->second.name;
  }

 private:
  const db::Datastore* lookup_datastore(const std::string& name_or_id) const {
    auto it = datastores.find(name_or_id);
    if (it != datastores.end()) return &it->second;
    for (const auto& [id, ds] : datastores) {
      if (ds.name == name_or_id) return &ds;
    }
    return nullptr;
  }
  db::DatastoreVersion filled(db::DatastoreVersion v) const {
    auto ds = datastores.find(v.datastore_id);
    if (ds != datastores.end()) v.datastore_name = ds->second.name;
    return v;
  }
  db::Datastore with_versions(db::Datastore ds) const {
    ds.versions.clear();
    for (const auto& [id, v] : versions) {
      if (v.datastore_id == ds.id) ds.versions.push_back(filled(v));
    }
    std::sort(ds.versions.begin(), ds.versions.end(),
              [](auto& a, auto& b) { return a.name < b.name; });
    return ds;
  }
};

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

  void save_params(const std::string& id, const nlohmann::json& params) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = operations.find(id);
    if (it == operations.end()) return;
    it->second.params = params;
    it->second.updated = iso8601(time->now());
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

class FakeInstanceRepository : public db::InstanceRepository, public FakeBase {
 public:
  std::map<std::string, db::Instance> instances;  // by id, deleted ones included
  std::set<std::string> deleted;                  // ids marked deleted
  // Every operation written through this repository, in order.
  std::vector<db::Operation> created_operations;
  // When set, operations are also inserted there (sharing its clock), and
  // datastore names are filled from `catalog`.
  FakeOperationRepository* operation_repo = nullptr;
  FakeCatalogRepository* catalog = nullptr;

  FakeInstanceRepository() = default;
  explicit FakeInstanceRepository(FakeOperationRepository* ops,
                                  FakeCatalogRepository* cat = nullptr)
      : operation_repo(ops), catalog(cat) {
    if (ops) time = ops->time;
  }

  void create_with_operation(const db::Instance& instance, const db::Operation& op) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    if (instances.count(instance.id)) throw common::conflict("instance " + instance.id + " exists");
    add_operation(op);  // throws before any write when the id is taken
    db::Instance row = instance;
    row.created = row.updated = iso8601(time->now());
    row.service_status = common::service_status::kNew;
    instances[row.id] = row;
  }

  bool start_operation(const std::string& instance_id, const std::string& task,
                       const std::vector<std::string>& allowed_tasks,
                       const db::Operation& op) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    db::Instance* inst = live(instance_id);
    if (!inst) return false;
    if (!allowed_tasks.empty() &&
        std::find(allowed_tasks.begin(), allowed_tasks.end(), inst->task) == allowed_tasks.end()) {
      return false;
    }
    add_operation(op);
    inst->task = task;
    inst->updated = iso8601(time->now());
    return true;
  }

  std::optional<db::Instance> find(const std::string& tenant_id, const std::string& id) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    db::Instance* inst = live(id);
    if (!inst || inst->tenant_id != tenant_id) return std::nullopt;
    return view(*inst);
  }

  std::optional<db::Instance> find_any(const std::string& id) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    db::Instance* inst = live(id);
    if (!inst) return std::nullopt;
    return view(*inst);
  }

  std::vector<db::Instance> list(const std::string& tenant_id) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    return select([&](const db::Instance& i) { return i.tenant_id == tenant_id; });
  }

  std::vector<db::Instance> replicas_of(const std::string& instance_id) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    return select([&](const db::Instance& i) { return i.slave_of == instance_id; });
  }

  void set_task(const std::string& id, const std::string& task) override {
    update(id, [&](db::Instance& i) { i.task = task; });
  }
  void set_address(const std::string& id, const std::optional<std::string>& address) override {
    update(id, [&](db::Instance& i) { i.address = address; });
  }
  void set_fault(const std::string& id, const std::optional<std::string>& fault) override {
    update(id, [&](db::Instance& i) { i.fault = fault; });
  }
  void set_service_status(const std::string& id, const std::string& status) override {
    update(id, [&](db::Instance& i) { i.service_status = status; });
  }

  void mark_deleted(const std::string& id) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = instances.find(id);
    if (it == instances.end()) return;
    deleted.insert(id);
    it->second.service_status.clear();
    it->second.updated = iso8601(time->now());
  }

  // Unlocked helper for linked fakes: the live (not deleted) row, or null.
  db::Instance* live(const std::string& id) {
    auto it = instances.find(id);
    if (it == instances.end() || deleted.count(id)) return nullptr;
    return &it->second;
  }

 private:
  void add_operation(const db::Operation& op) {
    if (operation_repo) {
      std::lock_guard<std::mutex> l(operation_repo->mu);
      operation_repo->check_available();
      operation_repo->insert_locked(op);
    }
    created_operations.push_back(op);
  }
  db::Instance view(db::Instance inst) const {
    if (catalog) {
      std::lock_guard<std::mutex> l(catalog->mu);
      catalog->fill_names(inst);
    }
    return inst;
  }
  template <typename Pred>
  std::vector<db::Instance> select(Pred pred) {
    std::vector<db::Instance> out;
    for (const auto& [id, inst] : instances) {
      if (!deleted.count(id) && pred(inst)) out.push_back(view(inst));
    }
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) {
      return std::tie(a.created, a.id) < std::tie(b.created, b.id);
    });
    return out;
  }
  template <typename Fn>
  void update(const std::string& id, Fn fn) {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    db::Instance* inst = live(id);
    if (!inst) return;
    fn(*inst);
    inst->updated = iso8601(time->now());
  }
};

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

  // As PgHeartbeatRepository, except that it does not also wait until the
  // instance's status row is older than `expiry` (Pg's guard against a
  // heartbeat racing the sweep).
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
      if (inst.service_status == common::service_status::kFailedTimeoutGuestagent) continue;
      inst.service_status = common::service_status::kFailedTimeoutGuestagent;
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
      if (!r.service_status.empty()) inst->service_status = r.service_status;
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
  bool mark(const std::string& id) {
    auto& status = statuses[id];
    if (status == common::service_status::kFailedTimeoutGuestagent) return false;
    status = common::service_status::kFailedTimeoutGuestagent;
    return true;
  }
};

class FakeAddressLeaseRepository : public db::AddressLeaseRepository, public FakeBase {
 public:
  std::map<std::string, std::string> leases;  // instance id -> address

  std::string lease(const std::string& instance_id, const std::string& cidr) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = leases.find(instance_id);
    if (it != leases.end()) return it->second;
    std::set<std::string> used;
    for (const auto& [id, addr] : leases) used.insert(addr);
    const auto [network, prefix] = parse_cidr(cidr);
    const uint64_t size = uint64_t{1} << (32 - prefix);
    for (uint64_t host = 1; host + 1 < size; ++host) {
      const std::string addr = format_ipv4(static_cast<uint32_t>(network + host));
      if (!used.count(addr)) return leases[instance_id] = addr;
    }
    throw common::unavailable("address pool " + cidr + " is full");
  }

  std::optional<std::string> find(const std::string& instance_id) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = leases.find(instance_id);
    if (it == leases.end()) return std::nullopt;
    return it->second;
  }

  void release(const std::string& instance_id) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    leases.erase(instance_id);
  }

 private:
  static std::pair<uint32_t, int> parse_cidr(const std::string& cidr) {
    unsigned a, b, c, d;
    int prefix;
    if (std::sscanf(cidr.c_str(), "%u.%u.%u.%u/%d", &a, &b, &c, &d, &prefix) != 5 || a > 255 ||
        b > 255 || c > 255 || d > 255 || prefix < 0 || prefix > 32) {
      throw common::bad_request("invalid address pool '" + cidr + "': expected a.b.c.d/n");
    }
    const uint32_t addr = (a << 24) | (b << 16) | (c << 8) | d;
    const uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
    return {addr & mask, prefix};
  }
  static std::string format_ipv4(uint32_t a) {
    return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
           std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
  }
};

}  // namespace automat::testing
