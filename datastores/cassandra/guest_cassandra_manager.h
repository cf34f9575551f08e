#pragma once
// The RPC-facing half of the Cassandra guest: what the control plane may ask
// of a Cassandra node (prepare, start, stop, restart, status, the node's
// report for heartbeats, and the ring work of its own contract,
// cassandra_guest.proto). It keeps the node's
// record (guest_cassandra_state.h) and leaves the OS work to a
// CassandraServer.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/wait_clock.h"
#include "datastores/cassandra/cassandra_guest.pb.h"
#include "datastores/cassandra/guest_cassandra_admin.h"
#include "datastores/cassandra/guest_cassandra_cql.h"
#include "datastores/cassandra/guest_cassandra_layout.h"
#include "datastores/cassandra/guest_cassandra_ring.h"
#include "datastores/cassandra/guest_cassandra_server.h"
#include "datastores/cassandra/guest_cassandra_state.h"
#include "guestagent/datastore_manager.h"
#include "guestagent/guest_jobs.h"
#include "guestagent/node_lifecycle.h"
#include "guestagent/node_record.h"
#include "guestagent/server_changes.h"

namespace automat::datastores::cassandra {

// How long the manager's actions keep trying to log in to the local node
// over CQL before they fail.
inline constexpr std::chrono::milliseconds kCqlLoginTimeout{30000};

class CassandraManager : public guestagent::DatastoreManager {
 public:
  struct Timing {
    // How long securing waits for the default or admin login to be
    // accepted (a ring's roles are set up a moment after start).
    std::chrono::milliseconds login_timeout = std::chrono::seconds(60);
    // How long a heartbeat's report is reused while the ring changes (a
    // node not UN) and once it is steady (every node UN). A report runs
    // nodetool status, about a CPU-second: an idle 3-node ring spent a
    // quarter of a core on it at one run per 10 s heartbeat.
    std::chrono::milliseconds detail_ttl = std::chrono::seconds(5);
    std::chrono::milliseconds steady_detail_ttl = std::chrono::seconds(60);
    // The clock those TTLs and the login waits are measured in, which also
    // paces the login retries (a unit test's moves at once). Must outlive
    // the manager.
    common::WaitClock* clock = &common::steady_wait_clock();
  };
  CassandraManager(std::unique_ptr<CassandraServer> server, CassandraLayout layout,
                   std::string address, std::string instance_id, Timing timing);
  CassandraManager(std::unique_ptr<CassandraServer> server, CassandraLayout layout,
                   std::string address, std::string instance_id)
      : CassandraManager(std::move(server), std::move(layout), std::move(address),
                         std::move(instance_id), Timing{}) {}

  std::string name() const override { return "cassandra"; }
  // Checks the request's settings (node_settings, guest_cassandra_settings.h) and the
  // users/databases before touching anything (kBadRequest); on the first
  // prepare writes the yaml and rackdc; starts the node (with
  // replace_address_first_boot until a prepare completed) and waits until
  // CQL answers. A standalone node then secures itself (admin superuser with
  // a random password stored in `credentials`, cassandra role dropped);
  // databases become keyspaces (standalone: SimpleStrategy RF 1; cluster:
  // NetworkTopologyStrategy with min(3, nodes) per dc) and users login roles
  // granted ALL on theirs. A second prepare only re-applies users and
  // databases. Throws kInternal/kConflict/kUnavailable with the reason.
  void prepare(const proto::PrepareRequest& req) override;
  // Throws kConflict when the node was never prepared.
  void start() override;
  void stop() override;
  void restart() override;
  // A flavor resize: nodetool drain (when the JVM runs), a stop, and a start
  // with the heap sized for `ram_mb` (heap_mb_for), waiting until CQL
  // answers again. When the JVM does not start with it, it is started again
  // with the heap it had before the call throws kInternal with the reason.
  // Throws kConflict before the first prepare.
  void resize(int ram_mb) override;
  // NodeLifecycle::status() over the JVM's health, BLOCKED while a cleanup
  // or decommission runs: RUNNING when CQL answers, BLOCKED when the JVM is
  // alive but not answering, CRASHED when it should run but is gone.
  // Thread-safe; never waits for a running prepare or action.
  std::string status() override;
  // node_report() packed as the report's datastore; no fault.
  proto::DatastoreReport report() override;
  // What this node reports of itself (NodeReport, cassandra_guest.proto):
  // free_disk_bytes always; the ring, this node's load and the keyspaces
  // only while CQL answers. Cached: 5 s while the ring changes, 60 s once
  // every node is UN, and forgotten by every changing action. Never holds
  // secrets.
  proto::cassandra::NodeReport node_report();
  // The Cassandra contract (cassandra_guest.proto), served by
  // guest_cassandra_service.cc with cleanup and decommission as jobs.
  std::unique_ptr<grpc::Service> make_service(const guestagent::RpcEnvironment& env) override;

  // The ring work of that contract (guest_cassandra_actions.cc). Each
  // throws common::Error: kBadRequest for an invalid argument, kConflict
  // when the node is not in a state to do it, kInternal/kUnavailable with
  // nodetool's or CQL's message. Each but ring_status and keyspaces makes
  // the next heartbeat observe the ring afresh.
  // The ring as this node's nodetool status sees it.
  proto::cassandra::RingStatusReply ring_status();
  // The ring secured through this node with the admin `username` (the job
  // StartSecureCluster): this node's stored login of that name, else a new
  // one with a random password, stored before the ring changes (as
  // secure_standalone does), becomes the ring's only superuser
  // (secure_ring); with it in place, only system_auth's replication is
  // re-applied. So a run the guest lost runs again with the same password.
  // kConflict when the node holds another admin's login.
  void secure_cluster(const std::string& username);
  // The admin login this node uses from now on.
  void use_admin_credentials(const proto::cassandra::Credentials& admin);
  // The stored admin login gets `password` (through this node's CQL,
  // change_password); answers its username. The other nodes then need use_admin_credentials.
  std::string rotate_admin(const std::string& password);
  // cassandra.yaml's seeds rewritten, then nodetool reloadseeds.
  void update_seeds(const std::vector<std::string>& seeds);
  // nodetool cleanup / decommission; the node is BLOCKED meanwhile. Hours
  // on a big node: the service runs them as jobs.
  void cleanup();
  void decommission();
  // The keyspaces as the heartbeat detail lists them
  // ([{"name","class","replication":{...}}]), through the admin login.
  nlohmann::json keyspaces();

  // A cluster backup's part on this node (guest_cassandra_snapshots.cc),
  // each run by the service as a guest job: nodetool snapshot under the
  // job's tag unless that snapshot exists (kConflict when the JVM does not
  // answer); clearsnapshot (the directories removed by hand when no JVM
  // runs; nothing to clear is no error); and the upload of a snapshot
  // (guest_cassandra_backup.h) with the node's tokens, rack, dc and
  // schema, the node's manifest last, answering a JSON summary. A snapshot
  // and a clear run one at a time, so a clear started while the snapshot
  // is taken clears it once taken. check_snapshot and
  // check_upload_snapshot check a job (and that the snapshot to store
  // exists) before it starts.
  void check_snapshot(const proto::cassandra::SnapshotJob& job);
  void snapshot(const proto::cassandra::SnapshotJob& job);
  void clear_snapshot(const std::string& tag);
  void check_upload_snapshot(const proto::cassandra::UploadSnapshotJob& job);
  std::string upload_snapshot(const proto::cassandra::UploadSnapshotJob& job,
                              guestagent::JobContext& jc);
  // A cluster restore's part on this node, each a guest job (its check
  // first, before the job starts): the schema's statements as CREATE ...
  // IF NOT EXISTS through the admin login, answering a JSON summary
  // (check_apply_schema refuses a statement that is no CREATE, and a node
  // not answering CQL yet, kUnavailable); and the source node's
  // files (restore_files) fetched, verified, and imported table by table
  // (each table waited for until the schema reached this node), answering
  // a JSON summary. The job's mode splits a restore in place: FETCH keeps
  // the files in <root>/restore-<backup id>/, IMPORT imports and removes
  // them, DISCARD only removes them.
  void check_apply_schema(const proto::cassandra::ApplySchemaJob& job);
  std::string apply_schema(const proto::cassandra::ApplySchemaJob& job, guestagent::JobContext& jc);
  void check_restore_snapshot(const proto::cassandra::RestoreSnapshotJob& job);
  std::string restore_snapshot(const proto::cassandra::RestoreSnapshotJob& job,
                               guestagent::JobContext& jc);
  // TRUNCATE of each "ks.table" at consistency ALL (a restore in place,
  // once every node fetched its files; every node must be up), as a guest
  // job answering a JSON summary; check_truncate_tables refuses a name
  // that is no table of the user's before the job starts.
  void check_truncate_tables(const proto::cassandra::TruncateTablesJob& job);
  std::string truncate_tables(const proto::cassandra::TruncateTablesJob& job,
                              guestagent::JobContext& jc);
  // The hints this node holds for other nodes (system_views.pending_hints,
  // through the admin login): a rolling restart waits until no node holds
  // any for a node it restarted.
  proto::cassandra::PendingHintsReply pending_hints();

  // Keyspaces, login roles and root (guest_cassandra_admin.h) while the node
  // is prepared and answering CQL; each call waits up to a few seconds for a
  // running prepare/start/stop/restart, then answers kConflict.
  guestagent::DatabaseAdmin* database_admin() override { return admin_.get(); }

 private:
  class ChangeScope;

  std::vector<RingNode> ring();
  // The stored admin login, or the default one before the ring is secured.
  Credentials admin_login() const;
  void secure_standalone();
  void apply_keyspaces_and_users(const proto::PrepareRequest& req, bool standalone);
  // A new keyspace's replication: SimpleStrategy 1 on a standalone node,
  // min(3, nodes) per dc of the ring otherwise.
  std::string keyspace_replication(bool standalone);
  proto::cassandra::NodeReport build_report();
  // True when `report` holds a ring whose every node is UN.
  static bool ring_settled(const proto::cassandra::NodeReport& report);
  // Forgets the cached report (the node was just started or stopped).
  void forget_detail();

  const std::unique_ptr<CassandraServer> server_;
  const CassandraLayout layout_;
  const std::string address_;
  const std::string instance_id_;
  const Timing timing_;

  guestagent::NodeRecord<CassandraState> record_;
  std::mutex maintenance_mu_;  // one cleanup/decommission at a time
  std::atomic<bool> maintenance_{false};
  std::mutex snapshot_mu_;  // one snapshot or clearsnapshot at a time
  // One prepare/start/stop/restart/update_seeds at a time; database
  // administration waits for it a few seconds (NodeLifecycle::admin_gate).
  guestagent::NodeLifecycle lifecycle_;
  // start/stop/restart/resize over server_ (guestagent/server_changes.h).
  guestagent::ServerChanges changes_;
  guestagent::ServerChanges::Steps server_steps();

  std::mutex detail_mu_;  // guards the cached report and its generation
  std::optional<proto::cassandra::NodeReport> detail_;
  uint64_t detail_generation_ = 0;  // bumped by forget_detail()
  bool detail_steady_ = false;      // the cached ring had every node UN
  std::chrono::steady_clock::time_point detail_at_{};

  std::unique_ptr<CassandraDatabaseAdmin> admin_;  // last: it uses the members above
};

// The Cassandra guest manager for `node`, over CassandraJvm in
// <instance_dir>/cassandra/ with the image at node.image_location. Throws
// common::Error(kInternal) if the record there cannot be read.
std::unique_ptr<guestagent::DatastoreManager> make_guest_manager(
    const guestagent::NodeContext& node);

}  // namespace automat::datastores::cassandra
