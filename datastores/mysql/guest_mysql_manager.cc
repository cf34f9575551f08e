#include "datastores/mysql/guest_mysql_manager.h"

#include "common/error.h"
#include "common/log.h"
#include "common/status.h"
#include "datastores/mysql/guest_mariadb_server.h"
#include "datastores/mysql/guest_replication_actions.h"
#include "datastores/mysql/guest_replication_status.h"

namespace automat::datastores::mysql {

using guestagent::NodeLifecycle;

MysqlManager::MysqlManager(std::unique_ptr<MysqlServer> server, std::string state_path,
                           std::string instance_id, int ram_mb,
                           std::unique_ptr<MysqlReplication> replication, std::string backup_area,
                           std::unique_ptr<MysqlRootClient> admin_client)
    : server_(std::move(server)),
      state_path_(std::move(state_path)),
      instance_id_(std::move(instance_id)),
      ram_mb_(ram_mb),
      replication_(std::move(replication)),
      backup_area_(std::move(backup_area)),
      record_(state_path_, load_state(state_path_), save_state),
      lifecycle_(
          {"the MySQL instance " + instance_id_,
           "MariaDB on instance " + instance_id_ + " is not answering; retry once it runs again",
           [this] { return server_->health(); },
           [this] {
             const MysqlState s = record_.get();
             return NodeLifecycle::Record{s.prepared, s.should_run};
           },
           nullptr}) {
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
  server_->configure(req.memory_mb() > 0 ? static_cast<int>(req.memory_mb()) : ram_mb_);
  if (!record_.get().installed) {
    server_->install();
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

void MysqlManager::start() {
  const auto turn = lifecycle_.begin_change();
  record_.update([](MysqlState& s) { s.should_run = true; });
  server_->start();
}

void MysqlManager::stop() {
  auto turn = lifecycle_.begin();
  if (!record_.get().installed) return;  // nothing was ever started
  turn.show(NodeLifecycle::Activity::kChanging);
  record_.update([](MysqlState& s) { s.should_run = false; });
  server_->stop();
}

void MysqlManager::restart() {
  const auto turn = lifecycle_.begin_change();
  record_.update([](MysqlState& s) { s.should_run = true; });
  server_->stop();
  server_->start();
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
  ReplicationActions actions(*replication_, backup_area_, [this, &turn] {
    NodeLifecycle::Showing changing(turn, NodeLifecycle::Activity::kChanging);
    server_->stop();
    server_->start();
  });
  work(actions);
  common::log::info("mysql.action", {{"instance", instance_id_}, {"action", what}});
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
  const MysqlLayout layout = MysqlLayout::under(node.instance_dir);
  auto server =
      std::make_unique<MariaDbServer>(layout, node.address, node.instance_id, node.image_location);
  return std::make_unique<MysqlManager>(
      std::move(server), layout.state_file, node.instance_id, node.ram_mb,
      make_mysql_replication(node), backup_area(node.instance_dir),
      std::make_unique<MariaDbRootClient>(layout, node.image_location));
}

}  // namespace automat::datastores::mysql
