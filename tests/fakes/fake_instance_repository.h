#pragma once
// See fake_repository_base.h for how the fakes behave.
#include "tests/fakes/fake_catalog_repository.h"
#include "tests/fakes/fake_operation_repository.h"
#include "tests/fakes/fake_quota_book.h"
#include "tests/fakes/fake_repository_base.h"

namespace automat::testing {

class FakeInstanceRepository : public db::InstanceRepository, public FakeBase {
 public:
  std::map<std::string, db::Instance> instances;  // by id, deleted ones included
  std::set<std::string> deleted;                  // ids marked deleted
  // The order rows were created in, to break ties of `created` (whole
  // seconds here, microseconds in PostgreSQL); rows seeded directly sort first.
  std::map<std::string, uint64_t> creation_order;
  // Every operation written through this repository, in order.
  std::vector<db::Operation> created_operations;
  // When set, operations are also inserted there (sharing its clock), and
  // datastore names are filled from `catalog`.
  FakeOperationRepository* operation_repo = nullptr;
  FakeCatalogRepository* catalog = nullptr;
  // The tenants' own quota limits (FakeQuotaRepository sets them).
  std::shared_ptr<FakeQuotaBook> quota_book = std::make_shared<FakeQuotaBook>();

  FakeInstanceRepository() = default;
  explicit FakeInstanceRepository(FakeOperationRepository* ops,
                                  FakeCatalogRepository* cat = nullptr)
      : operation_repo(ops), catalog(cat) {
    if (ops) time = ops->time;
  }

  using db::InstanceRepository::create_replicas;
  using db::InstanceRepository::create_with_operation;

  void create_with_operation(const db::Instance& instance, const db::Operation& op,
                             const db::QuotaCharge& quota) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    if (instances.count(instance.id)) throw common::conflict("instance " + instance.id + " exists");
    charge_locked(instance.tenant_id, quota);
    add_operation(op);  // throws before any write when the id is taken
    insert_row_locked(instance);
  }

  using db::InstanceRepository::start_operation;
  bool start_operation(const std::string& instance_id, const std::string& task,
                       const std::vector<std::string>& allowed_tasks, const db::Operation& op,
                       const db::QuotaCharge& quota) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    return start_locked(instance_id, task, allowed_tasks, op, quota);
  }

  StartOutcome start_operation_unless_replicas(const std::string& instance_id,
                                               const std::string& task,
                                               const std::vector<std::string>& allowed_tasks,
                                               const db::Operation& op) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    StartOutcome out;
    if (!live(instance_id)) return out;
    out.live_replicas = view(instances.at(instance_id)).replica_ids;
    if (!out.live_replicas.empty()) return out;
    out.started = start_locked(instance_id, task, allowed_tasks, op, {});
    return out;
  }

  bool create_replicas(const std::string& master_id,
                       const std::vector<std::pair<db::Instance, db::Operation>>& replicas,
                       const db::QuotaCharge& quota) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    db::Instance* master = live(master_id);
    if (!master || master->task != common::task::kNone || master->slave_of) return false;
    if (!replicas.empty()) charge_locked(replicas.front().first.tenant_id, quota);
    for (const auto& [inst, op] : replicas) {
      if (instances.count(inst.id)) throw common::conflict("instance " + inst.id + " exists");
    }
    for (const auto& [inst, op] : replicas) {
      add_operation(op);
      db::Instance row = inst;
      row.slave_of = master_id;
      insert_row_locked(row);
    }
    return true;
  }

  void set_slave_of(const std::string& id, const std::optional<std::string>& master_id) override {
    update(id, [&](db::Instance& i) { i.slave_of = master_id; });
  }

  void switch_source(const std::string& old_master_id, const std::string& new_master_id,
                     bool demote_old) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    for (auto& [id, inst] : instances) {
      if (id == new_master_id) {
        inst.slave_of.reset();  // as PostgreSQL does, deleted or not
      } else if (deleted.count(id)) {
        continue;
      } else if (inst.slave_of == old_master_id) {
        inst.slave_of = new_master_id;
      } else if (id == old_master_id) {
        inst.slave_of = demote_old ? std::optional<std::string>(new_master_id) : std::nullopt;
      }
    }
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
  void set_address(const std::string& id, const std::optional<std::string>& address,
                   std::optional<int> guest_port) override {
    update(id, [&](db::Instance& i) {
      i.address = address;
      i.guest_port = guest_port;
    });
  }
  void set_fault(const std::string& id, const std::optional<std::string>& fault) override {
    update(id, [&](db::Instance& i) {
      i.fault = fault;
      i.fault_created = fault ? std::optional<std::string>(iso8601(time->now())) : std::nullopt;
    });
  }
  void set_volume_size(const std::string& id, int size_gb) override {
    update(id, [&](db::Instance& i) { i.volume_size_gb = size_gb; });
  }
  void set_flavor(const std::string& id, const std::string& flavor_id) override {
    update(id, [&](db::Instance& i) { i.flavor_id = flavor_id; });
  }
  void set_service_status(const std::string& id, const std::string& status) override {
    update(id, [&](db::Instance& i) {
      i.service_status = status;
      i.service_status_updated = iso8601(time->now());
    });
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

  // Needs `operation_repo` to see unfinished operations (none without it).
  std::map<std::string, RecordState> record_states(const std::vector<std::string>& ids) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    std::map<std::string, RecordState> out;
    for (const auto& id : ids) {
      auto it = instances.find(id);
      const std::string cluster =
          it == instances.end() ? std::string() : it->second.cluster_id.value_or("");
      if (runs_on(id) || (!cluster.empty() && runs_on(cluster))) {
        out[id] = RecordState::kLive;
      } else if (it == instances.end()) {
        out[id] = RecordState::kMissing;
      } else {
        out[id] = deleted.count(id) ? RecordState::kDeleted : RecordState::kLive;
      }
    }
    return out;
  }

  // Whether an unfinished operation of `operation_repo` names `resource_id`.
  bool runs_on(const std::string& resource_id) {
    if (!operation_repo) return false;
    std::lock_guard<std::mutex> l(operation_repo->mu);
    for (const auto& [id, op] : operation_repo->operations) {
      if (op.resource_id == resource_id &&
          (op.state == common::op_state::kSubmitted || op.state == common::op_state::kRunning)) {
        return true;
      }
    }
    return false;
  }

  // Unlocked helper for linked fakes: what the tenant's live instances use
  // (flavor RAM from `catalog` when linked).
  db::QuotaValues usage_locked(const std::string& tenant_id) const {
    db::QuotaValues used;
    for (const auto& [id, inst] : instances) {
      if (deleted.count(id) || inst.tenant_id != tenant_id) continue;
      used.instances += 1;
      used.volumes += inst.volume_size_gb;
      if (catalog) {
        std::lock_guard<std::mutex> lc(catalog->mu);
        auto f = catalog->flavors.find(inst.flavor_id);
        if (f != catalog->flavors.end()) used.ram += f->second.ram_mb;
      }
    }
    return used;
  }

  // Unlocked helper for linked fakes: throws Error(kOverLimit) when
  // `quota` does not fit the tenant's limits, as the Pg repositories do.
  void charge_locked(const std::string& tenant_id, const db::QuotaCharge& quota) const {
    if (quota.empty()) return;
    db::check_quota(quota_book->limits_of(tenant_id, quota.defaults), usage_locked(tenant_id),
                    quota.delta);
  }

  // Unlocked helper for linked fakes: stores `instance` as a new row
  // (service status NEW), stamped now and ordered after every earlier one.
  void insert_row_locked(const db::Instance& instance) {
    db::Instance row = instance;
    row.created = row.updated = iso8601(time->now());
    row.service_status = common::service_status::kNew;
    row.service_status_updated = row.created;
    instances[row.id] = row;
    creation_order[row.id] = ++creations_;
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
  bool start_locked(const std::string& instance_id, const std::string& task,
                    const std::vector<std::string>& allowed_tasks, const db::Operation& op,
                    const db::QuotaCharge& quota) {
    db::Instance* inst = live(instance_id);
    if (!inst) return false;
    if (!allowed_tasks.empty() &&
        std::find(allowed_tasks.begin(), allowed_tasks.end(), inst->task) == allowed_tasks.end()) {
      return false;
    }
    charge_locked(inst->tenant_id, quota);
    add_operation(op);
    inst->task = task;
    inst->updated = iso8601(time->now());
    return true;
  }
  // Oldest first, as PostgreSQL orders rows: created, then id.
  bool older(const db::Instance& a, const db::Instance& b) const {
    const auto order = [&](const std::string& id) {
      auto it = creation_order.find(id);
      return it == creation_order.end() ? uint64_t{0} : it->second;
    };
    return std::make_tuple(a.created, order(a.id), a.id) <
           std::make_tuple(b.created, order(b.id), b.id);
  }
  db::Instance view(db::Instance inst) const {
    std::vector<const db::Instance*> replicas;
    for (const auto& [id, other] : instances) {
      if (!deleted.count(id) && other.slave_of == inst.id) replicas.push_back(&other);
    }
    std::sort(replicas.begin(), replicas.end(),
              [&](const db::Instance* a, const db::Instance* b) { return older(*a, *b); });
    inst.replica_ids.clear();
    for (const db::Instance* r : replicas) inst.replica_ids.push_back(r->id);
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
    std::sort(out.begin(), out.end(), [&](auto& a, auto& b) { return older(a, b); });
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
  uint64_t creations_ = 0;
};

}  // namespace automat::testing
