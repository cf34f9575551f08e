#include "datastores/mysql/guest_mysql_manager.h"

#include <algorithm>
#include <sstream>

#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "common/status.h"
#include "datastores/mysql/guest_mariadb_server.h"
#include "datastores/mysql/guest_mysql_backup.h"
#include "datastores/mysql/guest_mysql_config.h"
#include "datastores/mysql/guest_replication_actions.h"
#include "datastores/mysql/guest_replication_status.h"
#include "storage/storage_target.h"

namespace automat::datastores::mysql {

using guestagent::NodeLifecycle;

namespace {

// The restore settings of `req`, if it packs a PrepareSettings with a
// chain. Throws kBadRequest when the settings are not the MySQL ones or the
// chain is not one full backup followed by incrementals.
std::optional<proto::mysql::PrepareSettings> restore_settings(const proto::PrepareRequest& req) {
  if (!req.has_settings()) return std::nullopt;
  proto::mysql::PrepareSettings settings;
  if (!req.settings().UnpackTo(&settings)) {
    throw common::bad_request("a MySQL instance's prepare settings must be " +
                              proto::mysql::PrepareSettings::descriptor()->full_name());
  }
  if (settings.restore_chain().empty()) return std::nullopt;
  const auto& chain = settings.restore_chain();
  const bool shaped =
      !chain[0].incremental() &&
      std::all_of(chain.begin() + 1, chain.end(),
                  [](const proto::mysql::RestoreLink& l) { return l.incremental(); });
  if (!shaped) {
    throw common::bad_request("a restore chain is one full backup, then its incrementals in order");
  }
  for (const auto& link : chain) {
    if (link.prefix().empty() || !link.prefix().ends_with('/') ||
        !storage::prefix_can_match(link.prefix())) {
      throw common::bad_request("a restore chain names each backup by its prefix, ending in '/'");
    }
  }
  return settings;
}

}  // namespace

MysqlManager::MysqlManager(std::unique_ptr<MysqlServer> server, std::string state_path,
                           std::string instance_id, int ram_mb,
                           std::unique_ptr<MysqlReplication> replication, std::string backup_area,
                           std::unique_ptr<MysqlRootClient> admin_client)
    : server_(std::move(server)),
      state_path_(std::move(state_path)),
      instance_id_(std::move(instance_id)),
      ram_mb_(ram_mb),
      replication_(std::move(replication)),
      seed_copies_(std::move(backup_area), instance_id_),
      record_(state_path_, load_state(state_path_), save_state),
      lifecycle_(
          {"the MySQL instance " + instance_id_,
           "MariaDB on instance " + instance_id_ + " is not answering; retry once it runs again",
           [this] { return server_->health(); },
           [this] {
             const MysqlState s = record_.get();
             return NodeLifecycle::Record{s.prepared, s.should_run};
           },
           nullptr}),
      changes_(lifecycle_, server_steps()) {
  if (admin_client) {
    admin_ = std::make_unique<MysqlDatabaseAdmin>(std::move(admin_client),
                                                  [this] { return lifecycle_.admin_gate(); });
  }
}

void MysqlManager::prepare(const proto::PrepareRequest& req) {
  auto turn = lifecycle_.begin_prepare();
  // Validate (and render) everything before the first change on disk.
  SqlScript script = secure_installation_sql();
  script += databases_and_users_sql(req);
  const auto restore = restore_settings(req);
  const int ram_mb = req.memory_mb() > 0 ? static_cast<int>(req.memory_mb()) : ram_mb_.load();
  server_->configure(ram_mb);
  ram_mb_ = ram_mb;  // what my.cnf says now: a failed resize goes back to it
  if (!record_.get().installed) {
    build_data_dir(restore);
    record_.update([](MysqlState& s) { s.installed = true; });
  }
  record_.update([](MysqlState& s) { s.should_run = true; });
  server_->start();
  server_->run_sql(script);
  record_.update([](MysqlState& s) { s.prepared = true; });
  turn.succeeded();
  common::log::info("mysql.prepared", {{"instance", instance_id_},
                                       {"databases", std::to_string(req.databases_size())},
                                       {"users", std::to_string(req.users_size())}});
}

void MysqlManager::build_data_dir(const std::optional<proto::mysql::PrepareSettings>& settings) {
  if (!settings) {
    server_->install();
    return;
  }
  const auto storage = storage::make_backup_storage(settings->storage());
  const std::vector<proto::mysql::RestoreLink> chain(settings->restore_chain().begin(),
                                                     settings->restore_chain().end());
  common::log::info("mysql.restore", {{"instance", instance_id_},
                                      {"from", chain.front().prefix()},
                                      {"backups", std::to_string(chain.size())}});
  server_->restore(*storage, chain);
}

guestagent::ServerChanges::Steps MysqlManager::server_steps() {
  guestagent::ServerChanges::Steps steps;
  steps.set_should_run = [this](bool run) {
    record_.update([run](MysqlState& s) { s.should_run = run; });
  };
  steps.set_up = [this] { return record_.get().installed; };
  steps.start = [this] { server_->start(); };
  steps.stop = [this] { server_->stop(); };
  steps.ram_mb = [this] { return ram_mb_.load(); };
  steps.configure = [this](int ram_mb) {
    server_->configure(ram_mb);
    ram_mb_ = ram_mb;
  };
  steps.not_started = [](int ram_mb, int old_ram_mb, const std::string& reason) {
    return "MariaDB did not start with the settings for " + std::to_string(ram_mb) + " MB (" +
           reason + "); it runs again with those for " + std::to_string(old_ram_mb) + " MB";
  };
  steps.event = "mysql";
  steps.instance = instance_id_;
  return steps;
}

void MysqlManager::start() { changes_.start(); }

void MysqlManager::stop() { changes_.stop(); }

void MysqlManager::restart() { changes_.restart(); }

void MysqlManager::resize(int ram_mb) {
  changes_.resize(ram_mb);
  common::log::info("mysql.resized", {{"instance", instance_id_},
                                      {"ram_mb", std::to_string(ram_mb)},
                                      {"buffer_pool_mb", std::to_string(buffer_pool_mb(ram_mb))}});
}

std::string MysqlManager::status() { return lifecycle_.status(); }

void MysqlManager::replication_call(const char* what,
                                    const std::function<void(ReplicationActions&)>& work) {
  if (!replication_) {
    throw common::Error(common::ErrorCode::kNotImplemented,
                        "the MySQL instance " + instance_id_ + " has no replication");
  }
  auto turn = lifecycle_.begin();
  lifecycle_.require_prepared();
  ReplicationActions actions(*replication_, *server_, seed_copies_,
                             [this, &turn](const std::function<void()>& while_down) {
                               NodeLifecycle::Showing changing(turn,
                                                               NodeLifecycle::Activity::kChanging);
                               server_->stop();
                               while_down();
                               server_->start();
                             });
  work(actions);
  common::log::info("mysql.action", {{"instance", instance_id_}, {"action", what}});
}

void MysqlManager::check_store_backup(const proto::mysql::StoreBackupJob& job) const {
  check_store_backup_job(job);
  lifecycle_.require_prepared();
}

proto::BackupManifest MysqlManager::store_backup(const proto::mysql::StoreBackupJob& job,
                                                 guestagent::JobContext& ctx) {
  check_store_backup_job(job);
  auto turn = lifecycle_.begin();  // shows kIdle: the status stays RUNNING
  lifecycle_.require_prepared();
  if (server_->health() != MysqlServer::Health::kAnswering) {
    throw common::unavailable("MariaDB on instance " + instance_id_ +
                              " is not answering; a backup needs it running");
  }
  const auto storage = storage::make_backup_storage(job.storage());
  proto::BackupManifest manifest;
  try {
    ctx.progress(0, "starting mariadb-backup");
    const StreamedBackup streamed = server_->stream_backup(
        *storage, backup_data_key(job.prefix()), job.from_lsn(),
        [&ctx](uint64_t streamed, uint64_t estimate) {
          if (ctx.stopping()) throw common::unavailable("the guest agent is stopping");
          const double done = estimate ? static_cast<double>(streamed) / estimate : 0;
          ctx.progress(std::min(done, 0.99), backup_progress_message(streamed, estimate));
        });
    check_incremental_lsns(job.from_lsn(), streamed.to_lsn);
    manifest =
        make_backup_manifest(job, streamed, common::to_micros(std::chrono::system_clock::now()));
    std::istringstream text(backup_manifest_json(manifest));
    storage->put(backup_manifest_key(job.prefix()), text);  // last: the backup is usable now
  } catch (...) {
    remove_backup_objects(*storage, job.prefix());
    throw;
  }
  common::log::info("mysql.backup_stored", {{"instance", instance_id_},
                                            {"backup", job.backup_id()},
                                            {"bytes", std::to_string(manifest.size())}});
  return manifest;
}

void MysqlManager::remove_backup_objects(storage::BackupStorage& storage,
                                         const std::string& prefix) const {
  try {
    storage.remove_prefix(prefix);
  } catch (const std::exception& e) {
    common::log::warn("mysql.backup_cleanup_failed",
                      {{"instance", instance_id_}, {"prefix", prefix}, {"error", e.what()}});
  }
}

std::optional<proto::mysql::ReplicationHealth> MysqlManager::replication_health() {
  if (!replication_ || lifecycle_.activity() != NodeLifecycle::Activity::kIdle ||
      !record_.get().prepared) {
    return std::nullopt;
  }
  if (server_->health() != MysqlServer::Health::kAnswering) return std::nullopt;
  try {
    return replication_->health();
  } catch (const common::Error& e) {
    common::log::warn("mysql.replication_health_failed",
                      {{"instance", instance_id_}, {"error", e.what()}});
    return std::nullopt;
  }
}

proto::DatastoreReport MysqlManager::report() { return replica_report(replication_health()); }

std::unique_ptr<guestagent::DatastoreManager> make_guest_manager(
    const guestagent::NodeContext& node) {
  const MysqlLayout layout = MysqlLayout::under(node.files_dir());
  auto server =
      std::make_unique<MariaDbServer>(layout, node.address, node.instance_id, node.image_location);
  return std::make_unique<MysqlManager>(
      std::move(server), layout.state_file, node.instance_id, node.ram_mb,
      make_mysql_replication(node), backup_area(node.instance_dir),
      std::make_unique<MariaDbRootClient>(layout, node.image_location));
}

}  // namespace automat::datastores::mysql
