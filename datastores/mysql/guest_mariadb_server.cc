#include "datastores/mysql/guest_mariadb_server.h"

#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/log.h"
#include "datastores/mysql/guest_mysql_binaries.h"
#include "datastores/mysql/guest_mysql_config.h"
#include "datastores/mysql/guest_replication_config.h"

namespace automat::datastores::mysql {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr auto kInstallTimeout = seconds(180);
constexpr auto kStartTimeout = seconds(60);
constexpr auto kShutdownTimeout = seconds(120);
constexpr auto kTermTimeout = seconds(30);
constexpr auto kSqlTimeout = seconds(60);
constexpr auto kPingTimeout = seconds(5);

struct MysqlIds {
  uid_t uid;
  gid_t gid;
};

MysqlIds mysql_ids() {
  // getpwnam_r: prepare may run on several threads at once.
  passwd entry{};
  passwd* pw = nullptr;
  char buf[4096];
  if (::getpwnam_r("mysql", &entry, buf, sizeof buf, &pw) != 0 || pw == nullptr) {
    throw common::internal_error("the 'mysql' system user does not exist: install mariadb-server");
  }
  return {pw->pw_uid, pw->pw_gid};
}

bool searchable_by(const struct stat& st, const MysqlIds& ids) {
  if (st.st_uid == ids.uid) return st.st_mode & S_IXUSR;
  if (st.st_gid == ids.gid) return st.st_mode & S_IXGRP;
  return st.st_mode & S_IXOTH;
}

// mariadbd runs as mysql, so it must be able to walk down to its files. The
// instance dir belongs to this guest and is opened up (o+x, never o+r);
// directories above it are the operator's and are only reported.
void ensure_reachable(const fs::path& instance_dir, const MysqlIds& ids) {
  struct stat st {};
  if (::stat(instance_dir.c_str(), &st) == 0 && !searchable_by(st, ids)) {
    ::chmod(instance_dir.c_str(), (st.st_mode & 07777) | S_IXOTH);
  }
  for (fs::path p = instance_dir.parent_path(); !p.empty(); p = p.parent_path()) {
    if (::stat(p.c_str(), &st) == 0 && !searchable_by(st, ids)) {
      throw common::internal_error("the mysql user cannot reach " + instance_dir.string() +
                                   " because " + p.string() +
                                   " is not searchable by others (chmod o+x " + p.string() +
                                   ", or put the state dir elsewhere)");
    }
    if (p == p.root_path()) break;
  }
}

void chown_to_mysql(const std::string& path, const MysqlIds& ids) {
  if (::chown(path.c_str(), ids.uid, ids.gid) != 0) {
    throw common::internal_error("cannot give " + path + " to the mysql user");
  }
}

}  // namespace

MariaDbServer::MariaDbServer(MysqlLayout layout, std::string address, std::string instance_id,
                             std::string image_location)
    : layout_(std::move(layout)),
      address_(std::move(address)),
      instance_id_(std::move(instance_id)),
      image_location_(std::move(image_location)),
      process_({"mysql", instance_id_, layout_.pid_file, /*writes_pid_file=*/true,
                "--defaults-file=" + layout_.config, layout_.error_log}),
      backups_(layout_, instance_id_, [this](const std::string& name) {
        return find_mariadb_binary(name, image_location_, "mariadb-backup");
      }) {}

std::string MariaDbServer::binary(const std::string& name) const {
  return find_mariadb_binary(name, image_location_, "mariadb-server");
}

void MariaDbServer::prepare_directories() {
  const MysqlIds ids = mysql_ids();
  std::error_code ec;
  fs::create_directories(layout_.data_dir, ec);
  if (ec) throw common::internal_error("cannot create " + layout_.data_dir + ": " + ec.message());
  ensure_reachable(fs::path(layout_.root).parent_path(), ids);
  ::chmod(layout_.root.c_str(), 0750);
  ::chmod(layout_.data_dir.c_str(), 0700);
  chown_to_mysql(layout_.root, ids);
  chown_to_mysql(layout_.data_dir, ids);
  // Bootstraps of several instances at once must not share /tmp's files.
  fs::create_directories(layout_.tmp_dir, ec);
  if (ec) throw common::internal_error("cannot create " + layout_.tmp_dir + ": " + ec.message());
  ::chmod(layout_.tmp_dir.c_str(), 0700);
  chown_to_mysql(layout_.tmp_dir, ids);
  if (layout_.socket_dir != layout_.root) {
    fs::create_directories(layout_.socket_dir, ec);
    if (ec) {
      throw common::internal_error("cannot create " + layout_.socket_dir + ": " + ec.message());
    }
    ::chmod(layout_.socket_dir.c_str(), 0750);
    chown_to_mysql(layout_.socket_dir, ids);
  }
}

void MariaDbServer::configure(int ram_mb) {
  if (layout_.socket.size() >= sizeof(sockaddr_un::sun_path)) {
    throw common::internal_error("the MariaDB socket path " + layout_.socket +
                                 " is too long for a unix socket; use a shorter state dir");
  }
  prepare_directories();
  common::write_file_atomically(layout_.config, render_my_cnf({address_, layout_, ram_mb}), 0644);
  ensure_conf_dir_included(layout_);  // mariadbd refuses a missing !includedir
}

void MariaDbServer::install() {
  prepare_directories();
  for (const auto& entry : fs::directory_iterator(layout_.data_dir)) {
    fs::remove_all(entry.path());  // a partial earlier attempt; never user data
  }
  const auto chown =
      guestagent::run_command({"chown", "-R", "mysql:mysql", layout_.root}, "", seconds(60));
  if (!chown.ok()) {
    throw common::internal_error("chown of " + layout_.root + " failed: " + chown.output);
  }
  common::log::info("mysql.install", {{"instance", instance_id_}, {"datadir", layout_.data_dir}});
  const auto r =
      guestagent::run_command({binary("mariadb-install-db"), "--defaults-file=" + layout_.config,
                               "--user=mysql", "--datadir=" + layout_.data_dir,
                               "--auth-root-authentication-method=socket", "--skip-test-db"},
                              "", kInstallTimeout);
  if (!r.ok()) {
    throw common::internal_error("mariadb-install-db failed" +
                                 std::string(r.timed_out ? " (timed out)" : "") + ": " +
                                 guestagent::tail_lines(r.output, 15));
  }
}

void MariaDbServer::start() {
  process_.bring_up(
      {[this] { stop(); }, [this] { spawn(); }, [this] { wait_ready(kStartTimeout); }});
}

void MariaDbServer::stop() {
  const auto who = process_.live();
  if (!who || process_.stop(stop_plan())) return;
  throw common::internal_error("mariadbd (pid " + std::to_string(who->pid) +
                               ") did not stop; last lines of " + layout_.error_log + ": " +
                               error_log_tail());
}

MysqlServer::Health MariaDbServer::health() {
  if (!process_.alive()) return Health::kDown;
  return answers() ? Health::kAnswering : Health::kUnresponsive;
}

void MariaDbServer::run_sql(const SqlScript& script) {
  const auto r = guestagent::run_command(
      {binary("mariadb"), "--no-defaults", "--socket=" + layout_.socket, "--user=root", "--batch"},
      script.text, kSqlTimeout);
  if (!r.ok()) {
    throw common::internal_error("SQL on the MariaDB server failed" +
                                 std::string(r.timed_out ? " (timed out)" : "") + ": " +
                                 redact(guestagent::tail_lines(r.output, 5), script.secrets));
  }
}

StreamedBackup MariaDbServer::stream_backup(storage::BackupStorage& storage, const std::string& key,
                                            const std::string& from_lsn,
                                            const BackupProgress& progress) {
  return backups_.stream(storage, key, from_lsn, progress);
}

void MariaDbServer::restore(storage::BackupStorage& storage,
                            const std::vector<proto::mysql::RestoreLink>& chain) {
  prepare_directories();
  backups_.restore(storage, chain);
}

BinlogPosition MariaDbServer::take_copy(const std::string& dir) { return backups_.copy(dir); }

void MariaDbServer::replace_data(const std::string& dir) {
  if (process_.alive()) {
    throw common::internal_error("mariadbd of instance " + instance_id_ +
                                 " still runs; its data cannot be replaced");
  }
  prepare_directories();
  backups_.copy_back(dir);
}

guestagent::SupervisedProcess::StopPlan MariaDbServer::stop_plan() {
  guestagent::SupervisedProcess::StopPlan plan;
  plan.ask = [this](pid_t) {
    const auto r = guestagent::run_command(
        {binary("mariadb-admin"), "--no-defaults", "--socket=" + layout_.socket, "--user=root",
         "--connect-timeout=5", "shutdown"},
        "", kShutdownTimeout);
    if (!r.ok()) {
      common::log::warn(
          "mysql.admin_shutdown_failed",
          {{"instance", instance_id_}, {"output", guestagent::tail_lines(r.output, 3)}});
    }
    return r.ok();
  };
  plan.grace = kShutdownTimeout;
  // mariadbd is not SIGKILLed: after the grace it gets a second SIGTERM,
  // and a stop that still fails says so with its error log.
  plan.final_signal = SIGTERM;
  plan.final_wait = kTermTimeout;
  return plan;
}

void MariaDbServer::spawn() {
  const MysqlIds ids = mysql_ids();
  if (::access(layout_.error_log.c_str(), F_OK) != 0) {
    std::ofstream(layout_.error_log, std::ios::app).flush();
  }
  chown_to_mysql(layout_.error_log, ids);
  const pid_t pid =
      process_.start({binary("mariadbd"), "--defaults-file=" + layout_.config, "--user=mysql"});
  common::log::info("mysql.started", {{"instance", instance_id_}, {"pid", std::to_string(pid)}});
}

void MariaDbServer::wait_ready(milliseconds timeout) {
  using Readiness = guestagent::SupervisedProcess::Readiness;
  const Readiness r = process_.wait_ready(
      [this] { return fs::exists(layout_.socket) && answers(); }, timeout, milliseconds(100));
  if (r == Readiness::kExited) {
    throw common::internal_error("mariadbd exited while starting; last lines of " +
                                 layout_.error_log + ": " + error_log_tail());
  }
  if (r == Readiness::kTimedOut) {
    throw common::internal_error("mariadbd did not accept connections within " +
                                 std::to_string(timeout.count() / 1000) + " s; last lines of " +
                                 layout_.error_log + ": " + error_log_tail());
  }
}

bool MariaDbServer::answers() {
  const auto r = guestagent::run_command(
      {binary("mariadb"), "--no-defaults", "--socket=" + layout_.socket, "--user=root", "--batch",
       "--skip-column-names", "--connect-timeout=3", "--execute=SELECT 1"},
      "", kPingTimeout);
  return r.ok() && r.output.rfind("1", 0) == 0;
}

std::string MariaDbServer::error_log_tail() const {
  std::ifstream f(layout_.error_log);
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string text = ss.str();
  return guestagent::tail_lines(text.size() > 8192 ? text.substr(text.size() - 8192) : text, 10);
}

}  // namespace automat::datastores::mysql
