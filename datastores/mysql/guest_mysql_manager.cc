#include "datastores/mysql/guest_mysql_manager.h"

#include "common/error.h"
#include "common/log.h"
#include "common/status.h"
#include "datastores/mysql/guest_mariadb_server.h"
#include "datastores/mysql/guest_replication_actions.h"

namespace automat::datastores::mysql {

namespace status = common::service_status;

class MysqlManager::ActivityScope {
 public:
  ActivityScope(std::atomic<Activity>& activity, Activity now) : activity_(activity) {
    activity_ = now;
  }
  ~ActivityScope() { activity_ = Activity::kIdle; }
  ActivityScope(const ActivityScope&) = delete;
  ActivityScope& operator=(const ActivityScope&) = delete;

 private:
  std::atomic<Activity>& activity_;
};

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
      state_(load_state(state_path_)) {
  if (admin_client) {
    admin_ = std::make_unique<MysqlDatabaseAdmin>(std::move(admin_client),
                                                  [this] { return admin_gate(); });
  }
}

std::unique_lock<std::timed_mutex> MysqlManager::admin_gate() {
  constexpr auto kAdminWait = std::chrono::seconds(5);
  std::unique_lock<std::timed_mutex> lock(op_mu_, kAdminWait);
  if (!lock.owns_lock()) {
    throw common::conflict("the MySQL instance " + instance_id_ +
                           " is busy with another change; retry in a moment");
  }
  require_prepared();
  if (server_->health() != MysqlServer::Health::kAnswering) {
    throw common::unavailable("MariaDB on instance " + instance_id_ +
                              " is not answering; retry once it runs again");
  }
  return lock;
}

MysqlState MysqlManager::state() const {
  std::lock_guard<std::mutex> lock(state_mu_);
  return state_;
}

void MysqlManager::update_state(void (*change)(MysqlState&)) {
  std::lock_guard<std::mutex> lock(state_mu_);
  MysqlState next = state_;
  change(next);
  save_state(state_path_, next);
  state_ = next;
}

void MysqlManager::require_prepared() const {
  if (!state().prepared) {
    throw common::conflict("the MySQL instance " + instance_id_ +
                           " was never prepared; prepare it first");
  }
}

void MysqlManager::prepare(const proto::PrepareRequest& req) {
  std::lock_guard<std::timed_mutex> op(op_mu_);
  ActivityScope busy(activity_, Activity::kPreparing);
  try {
    // Validate (and render) everything before the first change on disk.
    SqlScript script = secure_installation_sql();
    script += databases_and_users_sql(req);
    server_->configure(req.memory_mb() > 0 ? static_cast<int>(req.memory_mb()) : ram_mb_);
    if (!state().installed) {
      server_->install();
      update_state([](MysqlState& s) { s.installed = true; });
    }
    update_state([](MysqlState& s) { s.should_run = true; });
    server_->start();
    server_->run_sql(script);
    update_state([](MysqlState& s) { s.prepared = true; });
    last_prepare_failed_ = false;
  } catch (...) {
    last_prepare_failed_ = true;
    throw;
  }
  common::log::info("mysql.prepared", {{"instance", instance_id_},
                                       {"databases", std::to_string(req.databases_size())},
                                       {"users", std::to_string(req.users_size())}});
}

void MysqlManager::start() {
  std::lock_guard<std::timed_mutex> op(op_mu_);
  require_prepared();
  ActivityScope busy(activity_, Activity::kChanging);
  update_state([](MysqlState& s) { s.should_run = true; });
  server_->start();
}

void MysqlManager::stop() {
  std::lock_guard<std::timed_mutex> op(op_mu_);
  if (!state().installed) return;  // nothing was ever started
  ActivityScope busy(activity_, Activity::kChanging);
  update_state([](MysqlState& s) { s.should_run = false; });
  server_->stop();
}

void MysqlManager::restart() {
  std::lock_guard<std::timed_mutex> op(op_mu_);
  require_prepared();
  ActivityScope busy(activity_, Activity::kChanging);
  update_state([](MysqlState& s) { s.should_run = true; });
  server_->stop();
  server_->start();
}

std::string MysqlManager::status() {
  if (activity_ == Activity::kPreparing) return status::kBuilding;
  const MysqlState s = state();
  if (!s.prepared) return last_prepare_failed_ ? status::kFailed : status::kNew;
  const bool changing = activity_ == Activity::kChanging;
  switch (server_->health()) {
    case MysqlServer::Health::kAnswering:
      return status::kRunning;
    case MysqlServer::Health::kUnresponsive:
      return changing ? status::kShutdown : status::kBlocked;
    case MysqlServer::Health::kDown:
      break;
  }
  return s.should_run && !changing ? status::kCrashed : status::kShutdown;
}

void MysqlManager::replication_call(const char* what,
                                    const std::function<void(ReplicationActions&)>& work) {
  if (!replication_) {
    throw common::Error(common::ErrorCode::kNotImplemented,
                        "the MySQL instance " + instance_id_ + " has no replication");
  }
  std::lock_guard<std::timed_mutex> op(op_mu_);
  require_prepared();
  ReplicationActions actions(*replication_, backup_area_, [this] {
    ActivityScope busy(activity_, Activity::kChanging);
    server_->stop();
    server_->start();
  });
  work(actions);
  common::log::info("mysql.action", {{"instance", instance_id_}, {"action", what}});
}

std::optional<proto::ReplicationHealth> MysqlManager::replication_health() {
  if (!replication_ || activity_ != Activity::kIdle || !state().prepared) return std::nullopt;
  if (server_->health() != MysqlServer::Health::kAnswering) return std::nullopt;
  try {
    return replication_->health();
  } catch (const common::Error& e) {
    common::log::warn("mysql.replication_health_failed",
                      {{"instance", instance_id_}, {"error", e.what()}});
    return std::nullopt;
  }
}

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
