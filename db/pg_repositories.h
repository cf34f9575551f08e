#pragma once
// The PostgreSQL implementations of db/repositories.h. Each borrows
// connections from a ConnectionPool that must outlive it. Thread-safe.
// Timestamps come back as ISO 8601 UTC ("2026-11-22T10:00:00Z").
#include "db/pool.h"
#include "db/repositories.h"

namespace automat::db {

class PgTokenRepository : public TokenRepository {
 public:
  explicit PgTokenRepository(ConnectionPool& pool) : pool_(pool) {}
  std::string ensure_tenant(const std::string& tenant_name) override;
  void add_token(const std::string& token_hash, const std::string& tenant_id,
                 const std::vector<std::string>& roles) override;
  std::optional<Principal> find_by_hash(const std::string& token_hash) override;

 private:
  ConnectionPool& pool_;
};

class PgCatalogRepository : public CatalogRepository {
 public:
  explicit PgCatalogRepository(ConnectionPool& pool) : pool_(pool) {}
  std::vector<Datastore> list_datastores() override;
  std::optional<Datastore> find_datastore(const std::string& name_or_id) override;
  std::optional<DatastoreVersion> find_version(const std::string& datastore_name_or_id,
                                               const std::string& version_name_or_id) override;
  std::optional<DatastoreVersion> find_version_by_id(const std::string& version_id) override;
  std::string register_version(const std::string& datastore_name, const DatastoreVersion& version,
                               bool make_default) override;
  std::vector<Flavor> list_flavors() override;
  std::optional<Flavor> find_flavor(const std::string& id_or_name) override;
  void upsert_flavor(const Flavor& flavor) override;

 private:
  ConnectionPool& pool_;
};

class PgInstanceRepository : public InstanceRepository {
 public:
  explicit PgInstanceRepository(ConnectionPool& pool) : pool_(pool) {}
  using InstanceRepository::create_replicas;
  using InstanceRepository::create_with_operation;
  void create_with_operation(const Instance& instance, const Operation& op,
                             const QuotaCharge& quota) override;
  using InstanceRepository::start_operation;
  bool start_operation(const std::string& instance_id, const std::string& task,
                       const std::vector<std::string>& allowed_tasks, const Operation& op,
                       const QuotaCharge& quota) override;
  std::optional<Instance> find(const std::string& tenant_id, const std::string& id) override;
  std::optional<Instance> find_any(const std::string& id) override;
  std::vector<Instance> list(const std::string& tenant_id) override;
  std::vector<Instance> replicas_of(const std::string& instance_id) override;
  void set_task(const std::string& id, const std::string& task) override;
  void set_address(const std::string& id, const std::optional<std::string>& address,
                   std::optional<int> guest_port) override;
  void set_fault(const std::string& id, const std::optional<std::string>& fault) override;
  void set_service_status(const std::string& id, const std::string& status) override;
  void set_volume_size(const std::string& id, int size_gb) override;
  void set_flavor(const std::string& id, const std::string& flavor_id) override;
  void mark_deleted(const std::string& id) override;
  std::map<std::string, RecordState> record_states(const std::vector<std::string>& ids) override;
  // pg_replicas.cc
  StartOutcome start_operation_unless_replicas(const std::string& instance_id,
                                               const std::string& task,
                                               const std::vector<std::string>& allowed_tasks,
                                               const Operation& op) override;
  bool create_replicas(const std::string& master_id,
                       const std::vector<std::pair<Instance, Operation>>& replicas,
                       const QuotaCharge& quota) override;
  void set_slave_of(const std::string& id, const std::optional<std::string>& master_id) override;
  void switch_source(const std::string& old_master_id, const std::string& new_master_id,
                     bool demote_old) override;

 private:
  ConnectionPool& pool_;
};

class PgOperationRepository : public OperationRepository {
 public:
  explicit PgOperationRepository(ConnectionPool& pool) : pool_(pool) {}
  std::vector<Operation> list(const std::string& tenant_id, const OperationFilter& filter) override;
  std::optional<Operation> find(const std::string& tenant_id, const std::string& id) override;
  std::optional<Operation> find_any(const std::string& id) override;
  std::optional<Operation> claim(const std::string& id, const std::string& owner,
                                 std::chrono::seconds lease) override;
  std::vector<std::string> list_resumable(std::chrono::seconds unclaimed_grace, int limit) override;
  bool renew_lease(const std::string& id, const std::string& owner,
                   std::chrono::seconds lease) override;
  bool save_progress(const std::string& id, const std::string& owner, int step,
                     const std::string& step_name, double progress,
                     const std::string& message) override;
  bool save_record(const std::string& id, const std::string& owner, const nlohmann::json& input,
                   const nlohmann::json& checkpoint) override;
  // Finishes only an unfinished operation that `owner` holds or nobody
  // holds; a no-op otherwise (the lease was lost to another owner).
  void finish(const std::string& id, const std::string& owner, const std::string& state,
              const std::vector<HostError>& errors, const std::string& message) override;

 private:
  ConnectionPool& pool_;
};

class PgHeartbeatRepository : public HeartbeatRepository {
 public:
  explicit PgHeartbeatRepository(ConnectionPool& pool) : pool_(pool) {}
  // One statement for the whole batch. Within a batch only the newest
  // message per (instance, method) counts; messages for unknown or deleted
  // instances are skipped (not accepted).
  size_t record_batch(const std::vector<HeartbeatRecord>& records) override;
  std::vector<std::string> mark_expired(std::chrono::seconds expiry) override;

 private:
  ConnectionPool& pool_;
};

class PgAddressLeaseRepository : public AddressLeaseRepository {
 public:
  explicit PgAddressLeaseRepository(ConnectionPool& pool) : pool_(pool) {}
  // Host addresses exclude the network and broadcast addresses of `cidr`.
  // Throws Error(kBadRequest) when `cidr` is not an IPv4 network.
  // Throws Error(kBadRequest) for an address in `skip` that is not IPv4.
  std::string lease(const std::string& instance_id, const std::string& cidr,
                    const std::set<std::string>& skip) override;
  std::optional<std::string> find(const std::string& instance_id) override;
  void release(const std::string& instance_id) override;
  std::vector<AddressLease> list() override;

 private:
  ConnectionPool& pool_;
};

}  // namespace automat::db
