#include "datastores/mysql/guest_replication.h"

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "common/crypto.h"
#include "common/error.h"
#include "common/log.h"
#include "datastores/mysql/guest_mysql_config.h"
#include "datastores/mysql/guest_replication_config.h"
#include "datastores/mysql/guest_replication_status.h"

namespace automat::datastores::mysql {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr size_t kPasswordLength = 32;
// MASTER_GTID_WAIT runs in slices this long, so a replica that breaks
// while we wait is noticed.
constexpr double kWaitSliceSeconds = 1.0;

SqlScript sql(std::string text) { return SqlScript{std::move(text), {}}; }

const std::string& value(const BatchRow& row, const std::string& name) {
  const auto it = row.find(name);
  if (it == row.end()) throw common::internal_error("the MariaDB server did not report " + name);
  return it->second;
}

bool flag(const BatchRow& row, const std::string& name) {
  const std::string& v = value(row, name);
  return v == "1" || v == "ON";
}

uint32_t server_id_of(const BatchRow& row) {
  const std::string& v = value(row, "server_id");
  uint32_t id = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), id);
  if (ec != std::errc() || end != v.data() + v.size()) {
    throw common::internal_error("the MariaDB server reported server_id '" + v + "'");
  }
  return id;
}

}  // namespace

MysqlReplication::MysqlReplication(MysqlLayout layout, std::string address, std::string instance_id,
                                   std::unique_ptr<MysqlRootClient> client)
    : layout_(std::move(layout)),
      address_(std::move(address)),
      instance_id_(std::move(instance_id)),
      client_(std::move(client)) {}

bool MysqlReplication::apply_binlog_settings() {
  const uint32_t server_id = server_id_for(address_);
  ensure_conf_dir_included(layout_);
  write_conf_file(layout_, "replication.cnf", render_replication_cnf(layout_, server_id));
  const auto rows = parse_batch_rows(client_->query(sql(binlog_settings_query())));
  if (rows.size() != 1) throw common::internal_error("could not read the binlog settings");
  const BatchRow& now = rows[0];
  const std::string dynamic = dynamic_binlog_settings_sql(
      value(now, "binlog_format"), flag(now, "gtid_strict_mode"), server_id_of(now), server_id);
  if (!dynamic.empty()) client_->query(sql(dynamic));
  const bool restart = !flag(now, "log_bin") || !flag(now, "log_slave_updates");
  common::log::info("mysql.replication.settings", {{"instance", instance_id_},
                                                   {"server_id", std::to_string(server_id)},
                                                   {"restart_needed", restart ? "true" : "false"}});
  return restart;
}

SourceSetup MysqlReplication::enable_source(const std::string& user_name) {
  validate_user_name(user_name);
  SourceSetup setup;
  setup.restart_needed = apply_binlog_settings();
  setup.user = {user_name, common::crypto::random_password(kPasswordLength)};
  client_->query(replication_user_sql(setup.user.name, setup.user.password));
  common::log::info("mysql.replication.source_enabled",
                    {{"instance", instance_id_}, {"user", user_name}});
  return setup;
}

void MysqlReplication::require_binlog(const std::string& why) {
  const auto rows = parse_batch_rows(client_->query(sql(binlog_settings_query())));
  if (rows.size() != 1 || !flag(rows[0], "log_bin") || !flag(rows[0], "log_slave_updates")) {
    throw common::conflict("cannot " + why + " on MySQL instance " + instance_id_ +
                           ": binary logging is off; apply the replication settings and "
                           "restart the instance first");
  }
}

void MysqlReplication::write_replica_settings() {
  ensure_conf_dir_included(layout_);
  write_conf_file(layout_, "replication.cnf",
                  render_replication_cnf(layout_, server_id_for(address_)));
  write_conf_file(layout_, "read_only.cnf", render_read_only_cnf(true));
}

void MysqlReplication::follow_from_copy(const std::string& gtid, const ReplicationSource& source) {
  const SqlScript follow = follow_sql(source, gtid);  // validates first
  require_binlog("follow a replication source");
  make_read_only(true);
  client_->query(sql(reset_for_restore_sql()));
  client_->query(follow);
  common::log::info("mysql.replication.following",
                    {{"instance", instance_id_},
                     {"source", source.address + ":" + std::to_string(source.port)},
                     {"user", source.user},
                     {"gtid", gtid}});
}

void MysqlReplication::follow_from_current_position(const ReplicationSource& source) {
  const SqlScript repoint = repoint_sql(source);  // validates first
  require_binlog("follow a replication source");
  make_read_only(true);
  client_->query(repoint);
  common::log::info("mysql.replication.repointed",
                    {{"instance", instance_id_},
                     {"source", source.address + ":" + std::to_string(source.port)},
                     {"user", source.user}});
}

std::optional<proto::mysql::ReplicationHealth> MysqlReplication::health() {
  return parse_slave_status(client_->query(sql("SHOW SLAVE STATUS;\n")));
}

void MysqlReplication::detach() {
  client_->query(sql(stop_following_sql()));
  make_read_only(false);
  common::log::info("mysql.replication.detached", {{"instance", instance_id_}});
}

void MysqlReplication::drop_replication_user(const std::string& name) {
  client_->query(sql(drop_user_sql(name)));
  common::log::info("mysql.replication.user_dropped", {{"instance", instance_id_}, {"user", name}});
}

void MysqlReplication::make_read_only(bool on) {
  ensure_conf_dir_included(layout_);
  write_conf_file(layout_, "read_only.cnf", render_read_only_cnf(on));
  client_->query(sql(read_only_sql(on)));
  common::log::info("mysql.replication.read_only",
                    {{"instance", instance_id_}, {"read_only", on ? "true" : "false"}});
}

std::string MysqlReplication::current_gtid() {
  return single_value(client_->query(sql(current_gtid_query())), "gtid", "the GTID position");
}

bool MysqlReplication::wait_caught_up(const std::string& gtid, Clock::time_point deadline) {
  validate_gtid_list(gtid);
  for (;;) {
    const double left = std::chrono::duration<double>(deadline - Clock::now()).count();
    const double slice = std::clamp(left, 0.0, kWaitSliceSeconds);
    const std::string reached = single_value(client_->query(sql(gtid_wait_query(gtid, slice))),
                                             "reached", "MASTER_GTID_WAIT");
    if (reached == "0") return true;
    const auto h = health();
    if (!h) {
      throw common::conflict("MySQL instance " + instance_id_ +
                             " replicates from nothing and has "
                             "not applied GTID " +
                             gtid);
    }
    if (!h->sql_running()) {
      throw common::conflict("MySQL instance " + instance_id_ + " cannot catch up to GTID " + gtid +
                             ": its replication SQL thread is stopped" +
                             (h->last_error().empty() ? "" : " (" + h->last_error() + ")"));
    }
    if (Clock::now() >= deadline) return false;
  }
}

std::string backup_area(const std::string& instance_dir) {
  return (fs::path(instance_dir) / "backups").string();
}

std::unique_ptr<MysqlReplication> make_mysql_replication(const guestagent::NodeContext& node) {
  const MysqlLayout layout = MysqlLayout::under(node.files_dir());
  return std::make_unique<MysqlReplication>(
      layout, node.address, node.instance_id,
      std::make_unique<MariaDbRootClient>(layout, node.image_location));
}

}  // namespace automat::datastores::mysql
