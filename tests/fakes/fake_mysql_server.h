#pragma once
// A scripted MysqlServer (datastores/mysql/guest_mysql_server.h) for unit
// tests of MysqlManager: records every call in order; health follows
// start/stop unless the test crashes it; start() can be held; backups store
// `backup_bytes` and restores only record their chain; a copy is a
// directory holding only its binlog info.
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "datastores/mysql/guest_mysql_server.h"

namespace automat::testing {

using datastores::mysql::BackupProgress;
using datastores::mysql::SqlScript;
using datastores::mysql::StreamedBackup;

// Records calls; health follows start/stop unless the test crashes it.
class FakeMysqlServer : public datastores::mysql::MysqlServer {
 public:
  void configure(int ram_mb) override {
    record("configure:" + std::to_string(ram_mb));
    std::lock_guard<std::mutex> lock(mu_);
    configured_ram_mb_ = ram_mb;
  }
  void install() override {
    record("install");
    if (fail_install) throw common::internal_error("mariadb-install-db failed: disk full");
  }
  void start() override {
    record("start");
    std::unique_lock<std::mutex> lock(mu_);
    if (fail_start_at_ram_mb && *fail_start_at_ram_mb == configured_ram_mb_) {
      throw common::internal_error("mariadbd exited: cannot allocate the buffer pool");
    }
    gate_cv_.wait(lock, [this] { return !hold_start_; });
    health_ = Health::kAnswering;
  }
  void stop() override {
    record("stop");
    std::lock_guard<std::mutex> lock(mu_);
    health_ = Health::kDown;
  }
  Health health() override {
    std::lock_guard<std::mutex> lock(mu_);
    return health_;
  }
  void run_sql(const SqlScript& script) override {
    record("sql");
    std::lock_guard<std::mutex> lock(mu_);
    scripts_.push_back(script.text);
  }
  // Stores `backup_bytes` under `key`, reports progress once, then fails
  // with `fail_backup` when set (leaving the object, as a real failure may).
  StreamedBackup stream_backup(storage::BackupStorage& storage, const std::string& key,
                               const std::string& from_lsn,
                               const BackupProgress& progress) override {
    record("stream_backup:" + key + (from_lsn.empty() ? "" : " from " + from_lsn));
    std::istringstream data(backup_bytes);
    const storage::ObjectInfo object = storage.put(key, data);
    if (progress) progress(object.size, 2 * object.size);
    if (fail_backup) throw common::internal_error(*fail_backup);
    return StreamedBackup{object, from_lsn, to_lsn, 4096};
  }
  void restore(storage::BackupStorage&,
               const std::vector<proto::mysql::RestoreLink>& chain) override {
    record("restore:" + std::to_string(chain.size()));
    std::lock_guard<std::mutex> lock(mu_);
    restored_.push_back(chain);
  }

  // Writes a binlog info naming `copy_gtid` into `dir`.
  datastores::mysql::BinlogPosition take_copy(const std::string& dir) override {
    record("take_copy:" + dir);
    if (fail_copy) throw common::internal_error(*fail_copy);
    std::filesystem::create_directories(dir);
    std::ofstream(dir + "/" + datastores::mysql::kBinlogInfoFiles[1])
        << "mysql-bin.000002\t328\t" << copy_gtid << "\n";
    return {"mysql-bin.000002", "328", copy_gtid};
  }
  void replace_data(const std::string& dir) override {
    record("replace_data:" + dir);
    if (health() != Health::kDown) throw common::internal_error("mariadbd still runs");
  }

  void crash(Health h = Health::kDown) {
    std::lock_guard<std::mutex> lock(mu_);
    health_ = h;
  }
  void hold_start(bool hold) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      hold_start_ = hold;
    }
    gate_cv_.notify_all();
  }
  std::vector<std::string> calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  // Whether `n` calls were made within `patience` (woken by each call).
  bool made(size_t n, std::chrono::milliseconds patience = std::chrono::seconds(5)) {
    std::unique_lock<std::mutex> lock(mu_);
    return calls_cv_.wait_for(lock, patience, [&] { return calls_.size() >= n; });
  }
  std::vector<std::string> scripts() const {
    std::lock_guard<std::mutex> lock(mu_);
    return scripts_;
  }
  std::vector<std::vector<proto::mysql::RestoreLink>> restored() const {
    std::lock_guard<std::mutex> lock(mu_);
    return restored_;
  }
  bool fail_install = false;
  // When set, start() fails while my.cnf is configured for this memory.
  std::optional<int> fail_start_at_ram_mb;
  std::string backup_bytes = "mbstream bytes";
  std::string to_lsn = "4242";
  std::optional<std::string> fail_backup;  // stream_backup's error
  std::string copy_gtid = "0-1-42";
  std::optional<std::string> fail_copy;  // take_copy's error

 private:
  void record(const std::string& c) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      calls_.push_back(c);
    }
    calls_cv_.notify_all();
  }
  mutable std::mutex mu_;
  int configured_ram_mb_ = 0;
  std::condition_variable gate_cv_;
  std::condition_variable calls_cv_;  // notified on every call
  bool hold_start_ = false;
  Health health_ = Health::kDown;
  std::vector<std::string> calls_;
  std::vector<std::string> scripts_;
  std::vector<std::vector<proto::mysql::RestoreLink>> restored_;
};

}  // namespace automat::testing
