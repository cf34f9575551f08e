#pragma once
// The seams over PostgreSQL. Every SQL statement of the project lives under
// db/; callers see only these interfaces. Pg* implementations in db/pg_*.cc,
// in-memory fakes in tests/fakes/. All methods are thread-safe and throw
// common::Error; when the database cannot be reached, its subclass
// DatabaseUnavailable (kUnavailable).
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "db/database_unavailable.h"
#include "db/models.h"
#include "db/quota.h"

namespace automat::db {

class TokenRepository {
 public:
  virtual ~TokenRepository() = default;
  // Creates the tenant if it does not exist; returns its id.
  virtual std::string ensure_tenant(const std::string& tenant_name) = 0;
  // Stores sha256(token) for `tenant_id` with `roles`.
  virtual void add_token(const std::string& token_hash, const std::string& tenant_id,
                         const std::vector<std::string>& roles) = 0;
  // The principal for a token hash, or nullopt when unknown or expired.
  virtual std::optional<Principal> find_by_hash(const std::string& token_hash) = 0;
};

class CatalogRepository {
 public:
  virtual ~CatalogRepository() = default;
  virtual std::vector<Datastore> list_datastores() = 0;
  // By name or id; nullopt when neither matches.
  virtual std::optional<Datastore> find_datastore(const std::string& name_or_id) = 0;
  // A version of `datastore` by name or id; nullopt when none matches.
  virtual std::optional<DatastoreVersion> find_version(const std::string& datastore_name_or_id,
                                                       const std::string& version_name_or_id) = 0;
  virtual std::optional<DatastoreVersion> find_version_by_id(const std::string& version_id) = 0;
  // Creates or updates the datastore and version; `make_default` sets it as
  // the datastore's default. Returns the version id.
  virtual std::string register_version(const std::string& datastore_name,
                                       const DatastoreVersion& version, bool make_default) = 0;
  virtual std::vector<Flavor> list_flavors() = 0;
  // By id or name.
  virtual std::optional<Flavor> find_flavor(const std::string& id_or_name) = 0;
  virtual void upsert_flavor(const Flavor& flavor) = 0;
};

class InstanceRepository {
 public:
  virtual ~InstanceRepository() = default;
  // Inserts the instance (service status NEW) and its operation in one
  // transaction: both exist afterwards, or neither.
  void create_with_operation(const Instance& instance, const Operation& op) {
    create_with_operation(instance, op, QuotaCharge{});
  }
  // The same, charging `quota` to the instance's tenant in that transaction
  // (db/quota.h): under the tenant's quota row lock it counts what the
  // tenant's live instances use and throws Error(kOverLimit), writing
  // nothing, when adding `quota.delta` would pass one of its limits (its
  // own, else `quota.defaults`). An empty charge checks nothing.
  virtual void create_with_operation(const Instance& instance, const Operation& op,
                                     const QuotaCharge& quota) = 0;
  // Sets the instance's task to `task` and inserts `op` in one transaction,
  // only if the instance's current task is one of `allowed_tasks`
  // (empty = any). Returns false (and writes nothing) otherwise.
  bool start_operation(const std::string& instance_id, const std::string& task,
                       const std::vector<std::string>& allowed_tasks, const Operation& op) {
    return start_operation(instance_id, task, allowed_tasks, op, QuotaCharge{});
  }
  // The same, charging `quota` to the instance's tenant (after the task
  // check) as create_with_operation does: throws Error(kOverLimit), writing
  // nothing, when it does not fit (a volume resize charges its growth).
  virtual bool start_operation(const std::string& instance_id, const std::string& task,
                               const std::vector<std::string>& allowed_tasks, const Operation& op,
                               const QuotaCharge& quota) = 0;
  // start_operation for deleting a replication source: also refuses while
  // the instance has live replicas, answering their ids (nothing written).
  // Serialized with create_replicas by the instance's row lock.
  struct StartOutcome {
    bool started = false;
    std::vector<std::string> live_replicas;
  };
  virtual StartOutcome start_operation_unless_replicas(
      const std::string& instance_id, const std::string& task,
      const std::vector<std::string>& allowed_tasks, const Operation& op) = 0;
  // Inserts each replica (slave_of = master_id, service status NEW) with its
  // operation in one transaction under the master's row lock, only if the
  // master is live, idle (task NONE) and not itself a replica. Returns false
  // (nothing written) otherwise.
  bool create_replicas(const std::string& master_id,
                       const std::vector<std::pair<Instance, Operation>>& replicas) {
    return create_replicas(master_id, replicas, QuotaCharge{});
  }
  // The same, charging `quota` to the replicas' tenant as
  // create_with_operation does (checked after the master's lock).
  virtual bool create_replicas(const std::string& master_id,
                               const std::vector<std::pair<Instance, Operation>>& replicas,
                               const QuotaCharge& quota) = 0;
  // Sets (or clears) the source the instance replicates from.
  virtual void set_slave_of(const std::string& id, const std::optional<std::string>& master_id) = 0;
  // After a promote/eject, in one transaction: `new_master_id` replicates
  // from nothing; every live replica of `old_master_id` replicates from
  // `new_master_id`; `old_master_id` does too when `demote_old` (promote),
  // else it is left standalone (eject).
  virtual void switch_source(const std::string& old_master_id, const std::string& new_master_id,
                             bool demote_old) = 0;
  // Not deleted, scoped to the tenant; nullopt for another tenant's id.
  virtual std::optional<Instance> find(const std::string& tenant_id, const std::string& id) = 0;
  // Unscoped, for the control plane.
  virtual std::optional<Instance> find_any(const std::string& id) = 0;
  virtual std::vector<Instance> list(const std::string& tenant_id) = 0;
  virtual std::vector<Instance> replicas_of(const std::string& instance_id) = 0;
  virtual void set_task(const std::string& id, const std::string& task) = 0;
  // Where the instance's guest is reached (the compute driver's record);
  // nullopt for both once its server is gone.
  virtual void set_address(const std::string& id, const std::optional<std::string>& address,
                           std::optional<int> guest_port) = 0;
  // Sets (or clears, with nullopt) the user-visible fault message.
  virtual void set_fault(const std::string& id, const std::optional<std::string>& fault) = 0;
  virtual void set_service_status(const std::string& id, const std::string& status) = 0;
  // Records the size of the instance's volume (once its server's volume has
  // grown to it). A deleted or unknown instance is left alone.
  virtual void set_volume_size(const std::string& id, int size_gb) = 0;
  // Records the instance's flavor (once its datastore runs with that
  // flavor's memory). A deleted or unknown instance is left alone.
  virtual void set_flavor(const std::string& id, const std::string& flavor_id) = 0;
  // Marks deleted (hidden from every read) and drops its observed state.
  virtual void mark_deleted(const std::string& id) = 0;

  // What the records say of an instance id, for the orphan reaper.
  enum class RecordState {
    kLive,     // a row not deleted, or something still runs on it: an
               // unfinished operation on the instance or on its cluster
    kDeleted,  // its row is marked deleted and nothing runs on it any more
    kMissing,  // no row, and no unfinished operation names it
  };
  // The state of each of `ids` (every id gets an entry).
  virtual std::map<std::string, RecordState> record_states(const std::vector<std::string>& ids) = 0;
};

// Clusters and their nodes. A node is an instance row (cluster_id set) plus
// a nodes row; both are written together. Reads return live nodes only.
class ClusterRepository {
 public:
  virtual ~ClusterRepository() = default;
  // Inserts in one transaction: the cluster row, for each of cluster.nodes
  // its instance row (service status NEW, cluster_id = cluster.id) and its
  // nodes row, and `op`. All exist afterwards, or none.
  void create_with_operation(const Cluster& cluster, const Operation& op) {
    create_with_operation(cluster, op, QuotaCharge{});
  }
  // The same, charging `quota` to the cluster's tenant as
  // InstanceRepository::create_with_operation does.
  virtual void create_with_operation(const Cluster& cluster, const Operation& op,
                                     const QuotaCharge& quota) = 0;
  // In one transaction, only if the cluster is live and its task is one of
  // `allowed_tasks` (empty = any): sets its task to `task`, inserts
  // `new_nodes` (instance + nodes rows, as create does) and `op`. Returns
  // false and writes nothing otherwise. Of concurrent callers allowed from
  // the same task, exactly one wins.
  bool start_operation(const std::string& cluster_id, const std::string& task,
                       const std::vector<std::string>& allowed_tasks,
                       const std::vector<Node>& new_nodes, const Operation& op) {
    return start_operation(cluster_id, task, allowed_tasks, new_nodes, op, QuotaCharge{});
  }
  // The same, charging `quota` to the cluster's tenant (after the cluster's
  // task check) as InstanceRepository::create_with_operation does.
  virtual bool start_operation(const std::string& cluster_id, const std::string& task,
                               const std::vector<std::string>& allowed_tasks,
                               const std::vector<Node>& new_nodes, const Operation& op,
                               const QuotaCharge& quota) = 0;
  // Not deleted, scoped to the tenant; nullopt for another tenant's id.
  virtual std::optional<Cluster> find(const std::string& tenant_id, const std::string& id) = 0;
  // Unscoped, for the control plane.
  virtual std::optional<Cluster> find_any(const std::string& id) = 0;
  // The tenant's live clusters with their nodes, oldest first.
  virtual std::vector<Cluster> list(const std::string& tenant_id) = 0;
  virtual void set_task(const std::string& id, const std::string& task) = 0;
  virtual void set_status(const std::string& id, const std::string& status) = 0;
  // Sets the node's phase (named by its datastore); "" when it is idle again.
  virtual void set_node_phase(const std::string& instance_id, const std::string& phase) = 0;
  // Writes the role (db::Node::role, the datastore's own record of the
  // node) of each node of the cluster named in `roles`, by instance id, in
  // one transaction; other nodes keep theirs.
  virtual void set_roles(const std::string& cluster_id,
                         const std::map<std::string, nlohmann::json>& roles) = 0;
  // Hides the cluster from every read. Delete its node instances first
  // (InstanceRepository::mark_deleted); this does not touch them.
  virtual void mark_deleted(const std::string& id) = 0;
};

// Per-tenant quota limits and usage (db/quota.h). Creates enforce them
// through the charge they pass to the instance and cluster repositories.
class QuotaRepository {
 public:
  virtual ~QuotaRepository() = default;
  // The tenant's limits: those an administrator set for it, `defaults` for
  // the rest.
  virtual QuotaValues limits(const std::string& tenant_id, const QuotaValues& defaults) = 0;
  // What the tenant's live resources use now (see db/quota.h for what counts).
  virtual QuotaValues in_use(const std::string& tenant_id) = 0;
  // Sets the tenant's own limit of each resource in `limits` (a name of
  // quota_resources() -> -1 or more), keeping the others. Throws
  // Error(kNotFound) when the tenant does not exist, Error(kBadRequest) for
  // an unknown resource or a limit out of range.
  virtual void set_limits(const std::string& tenant_id,
                          const std::vector<std::pair<std::string, int64_t>>& limits) = 0;
};

// What a tenant's list of operations holds (GET /operations). Unset
// members do not filter.
struct OperationFilter {
  std::optional<std::string> state;        // common::op_state
  std::optional<std::string> type;         // "cluster.grow"
  std::optional<std::string> resource_id;  // the instance's or cluster's id
  // A finished operation is listed only while it finished less than this
  // long ago; an unfinished one always is.
  std::chrono::seconds finished_within{3600};
};

class OperationRepository {
 public:
  virtual ~OperationRepository() = default;
  // `tenant_id`'s operations that `filter` keeps, oldest first (created,
  // then id).
  virtual std::vector<Operation> list(const std::string& tenant_id,
                                      const OperationFilter& filter) = 0;
  virtual std::optional<Operation> find(const std::string& tenant_id, const std::string& id) = 0;
  virtual std::optional<Operation> find_any(const std::string& id) = 0;
  // Atomically takes `id` for `owner` until now+lease: succeeds when it is
  // SUBMITTED, or RUNNING and (owned by `owner` or its lease lapsed). Moves it
  // to RUNNING. Returns the claimed row, or nullopt when someone else holds it
  // or it is finished.
  virtual std::optional<Operation> claim(const std::string& id, const std::string& owner,
                                         std::chrono::seconds lease) = 0;
  // Ids of unfinished operations whose lease lapsed (or that were never
  // claimed and are older than `unclaimed_grace`), oldest first.
  virtual std::vector<std::string> list_resumable(std::chrono::seconds unclaimed_grace,
                                                  int limit) = 0;
  // Extends the lease if `owner` still holds it; false when it lost it.
  virtual bool renew_lease(const std::string& id, const std::string& owner,
                           std::chrono::seconds lease) = 0;
  // Saves the cursor after a step: next step index, its name, progress and
  // the human message. Only while `owner` holds the lease; false otherwise.
  virtual bool save_progress(const std::string& id, const std::string& owner, int step,
                             const std::string& step_name, double progress,
                             const std::string& message) = 0;
  // Replaces the input (with its secrets scrubbed once a step consumed
  // them) and the checkpoint (what the steps have done). Only while `owner`
  // holds the lease, like save_progress; false otherwise (nothing written).
  virtual bool save_record(const std::string& id, const std::string& owner,
                           const nlohmann::json& input, const nlohmann::json& checkpoint) = 0;
  // Finishes: COMPLETED (progress 1) or FAILED with `errors`; clears owner.
  virtual void finish(const std::string& id, const std::string& owner, const std::string& state,
                      const std::vector<HostError>& errors, const std::string& message) = 0;
};

class HeartbeatRepository {
 public:
  virtual ~HeartbeatRepository() = default;
  // Records a batch of guest messages in one transaction. A message whose
  // sent_us is not newer than the last one recorded for its (instance,
  // method) is dropped. Returns how many were accepted.
  virtual size_t record_batch(const std::vector<HeartbeatRecord>& records) = 0;
  // Marks FAILED_TIMEOUT_GUESTAGENT every live, non-deleting instance whose
  // last heartbeat was received more than `expiry` ago (or that never sent
  // one and was created more than `expiry` ago while not BUILDING).
  // Returns the ids marked.
  virtual std::vector<std::string> mark_expired(std::chrono::seconds expiry) = 0;
};

// An address handed out to an instance, and how long ago.
struct AddressLease {
  std::string instance_id;
  std::string address;
  std::chrono::seconds age{0};
};

class AddressLeaseRepository {
 public:
  virtual ~AddressLeaseRepository() = default;
  // The address leased to `instance_id`, leasing the lowest free host
  // address of `cidr` (e.g. "127.10.0.0/16") that is not in `skip` if it
  // has none (`skip`: addresses found in use by something the leases do not
  // know). Safe against concurrent callers. Throws Error(kUnavailable) when
  // the pool has no such address left.
  virtual std::string lease(const std::string& instance_id, const std::string& cidr,
                            const std::set<std::string>& skip) = 0;
  virtual std::optional<std::string> find(const std::string& instance_id) = 0;
  virtual void release(const std::string& instance_id) = 0;
  // Every lease, oldest first.
  virtual std::vector<AddressLease> list() = 0;
};

}  // namespace automat::db
