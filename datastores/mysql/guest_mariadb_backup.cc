#include "datastores/mysql/guest_mariadb_backup.h"

#include <filesystem>
#include <fstream>
#include <istream>
#include <optional>
#include <ostream>
#include <sstream>

#include "common/error.h"
#include "common/log.h"
#include "guestagent/child_pipeline.h"
#include "guestagent/child_process.h"

namespace automat::datastores::mysql {
namespace {

namespace fs = std::filesystem;
using guestagent::ChildPipeline;
using std::chrono::hours;
using std::chrono::seconds;

// Once the stream ended, the tools have only their last files to close.
constexpr auto kExitTimeout = seconds(120);
// Applying the redo log of a big backup takes long; it is bounded anyway.
constexpr auto kPrepareTimeout = hours(12);
constexpr auto kMoveTimeout = hours(6);
constexpr auto kProgressEvery = seconds(1);

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string log_tail(const std::string& path) {
  std::string text = read_text(path);
  if (text.size() > 16384) text = text.substr(text.size() - 16384);
  return guestagent::tail_lines(text, 10);
}

// The binlog info of the copy in `dir` (kBinlogInfoFiles), or "" if none.
std::string binlog_info_of(const std::string& dir) {
  for (const char* name : kBinlogInfoFiles) {
    const std::string path = dir + "/" + name;
    if (fs::is_regular_file(path)) return path;
  }
  return "";
}

// Removes what `dir` holds, keeping `dir` itself. Never throws: it also
// runs while an error is on its way out.
void empty_directory(const std::string& dir) noexcept {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code ignored;
    fs::remove_all(it->path(), ignored);
  }
}

// A directory that exists, empty, for its lifetime and is gone afterwards.
class ScratchDir {
 public:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {
    std::error_code ec;
    fs::remove_all(path_, ec);  // left by a crashed attempt
    fs::create_directories(path_, ec);
    if (ec) throw common::internal_error("cannot create " + path_ + ": " + ec.message());
    fs::permissions(path_, fs::perms::owner_all, ec);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  const std::string path_;
};

// Bytes `pid` has read so far (rchar of /proc/<pid>/io): for zstd, the
// uncompressed stream, which is what compares with the data dir's size.
std::optional<uint64_t> bytes_read_by(pid_t pid) {
  std::ifstream io("/proc/" + std::to_string(pid) + "/io");
  std::string name;
  uint64_t value = 0;
  while (io >> name >> value) {
    if (name == "rchar:") return value;
  }
  return std::nullopt;
}

void check_exits(const std::vector<int>& codes, const std::string& what, const std::string& log) {
  for (int code : codes) {
    if (code == 0) continue;
    std::string exits;
    for (int c : codes) exits += (exits.empty() ? "" : ", ") + std::to_string(c);
    throw common::internal_error(what + " failed (exit codes " + exits + "): " + log_tail(log));
  }
}

}  // namespace

uint64_t directory_size(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      const auto size = it->file_size(size_ec);
      if (!size_ec) total += size;
    }
  }
  return total;
}

MariaDbBackupTool::MariaDbBackupTool(MysqlLayout layout, std::string instance_id,
                                     std::function<std::string(const std::string&)> binary)
    : layout_(std::move(layout)),
      instance_id_(std::move(instance_id)),
      binary_(std::move(binary)) {}

StreamedBackup MariaDbBackupTool::stream(storage::BackupStorage& storage, const std::string& key,
                                         const std::string& from_lsn,
                                         const BackupProgress& progress) const {
  const ScratchDir scratch(layout_.root + "/backup-scratch");
  fs::create_directories(scratch.path() + "/lsn");
  fs::create_directories(scratch.path() + "/tmp");
  const std::string log = scratch.path() + "/mariadb-backup.log";
  const uint64_t estimate = directory_size(layout_.data_dir);

  std::vector<std::string> backup = {binary_("mariadb-backup"),
                                     "--defaults-file=" + layout_.config,
                                     "--backup",
                                     "--user=root",
                                     "--socket=" + layout_.socket,
                                     "--stream=mbstream",
                                     "--target-dir=" + scratch.path() + "/tmp",
                                     "--extra-lsndir=" + scratch.path() + "/lsn"};
  if (!from_lsn.empty()) backup.push_back("--incremental-lsn=" + from_lsn);
  // -1: the network or the disk, not zstd, is what a backup waits on.
  ChildPipeline pipeline({backup, {"zstd", "-q", "-1", "-c"}},
                         ChildPipeline::Direction::kFromPipeline, log);
  const pid_t zstd = pipeline.pid(1);
  auto last = std::chrono::steady_clock::time_point{};
  guestagent::PipeReadBuf buf(pipeline.fd(), [&](uint64_t compressed) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last < kProgressEvery) return;
    last = now;
    if (progress) progress(bytes_read_by(zstd).value_or(compressed), estimate);
  });
  std::istream in(&buf);
  in.exceptions(std::ios::badbit);  // a read error or an abandon stops the put
  const storage::ObjectInfo object = storage.put(key, in);
  check_exits(pipeline.finish(kExitTimeout), "mariadb-backup --backup | zstd", log);
  const Checkpoints checkpoints =
      parse_checkpoints(read_text(scratch.path() + "/lsn/xtrabackup_checkpoints"));
  common::log::info("mysql.backup_streamed", {{"instance", instance_id_},
                                              {"key", key},
                                              {"bytes", std::to_string(object.size)},
                                              {"to_lsn", checkpoints.to_lsn}});
  return StreamedBackup{object, from_lsn, checkpoints.to_lsn, static_cast<int64_t>(estimate)};
}

void MariaDbBackupTool::restore(storage::BackupStorage& storage,
                                const std::vector<proto::mysql::RestoreLink>& chain) const {
  if (chain.empty()) throw common::bad_request("a restore chain needs at least a full backup");
  try {
    const ScratchDir work(layout_.root + "/restore");
    std::string to_lsn;
    for (size_t n = 0; n < chain.size(); ++n) {
      to_lsn = extract(storage, chain[n], n, work.path(), to_lsn).to_lsn();
    }
    const std::string full = "--target-dir=" + work.path() + "/0";
    run({binary_("mariadb-backup"), "--defaults-file=" + layout_.config, "--prepare", full},
        "mariadb-backup --prepare of the full backup", kPrepareTimeout);
    for (size_t n = 1; n < chain.size(); ++n) {
      run({binary_("mariadb-backup"), "--defaults-file=" + layout_.config, "--prepare", full,
           "--incremental-dir=" + work.path() + "/" + std::to_string(n)},
          "mariadb-backup --prepare of incremental backup " + std::to_string(n), kPrepareTimeout);
    }
    install_prepared(work.path() + "/0", "--move-back");
  } catch (...) {
    empty_directory(layout_.data_dir);  // a retry starts from nothing
    throw;
  }
  common::log::info("mysql.restored", {{"instance", instance_id_},
                                       {"backups", std::to_string(chain.size())},
                                       {"from", chain.front().prefix()}});
}

BinlogPosition MariaDbBackupTool::copy(const std::string& dir) const {
  std::error_code ec;
  if (fs::exists(dir, ec)) throw common::internal_error("the copy's directory " + dir + " exists");
  BinlogPosition position;
  try {
    fs::create_directories(dir);
    fs::permissions(dir, fs::perms::owner_all);
    const std::string target = "--target-dir=" + dir;
    run({binary_("mariadb-backup"), "--defaults-file=" + layout_.config, "--backup", "--user=root",
         "--socket=" + layout_.socket, target},
        "mariadb-backup --backup", kPrepareTimeout);
    run({binary_("mariadb-backup"), "--defaults-file=" + layout_.config, "--prepare", target},
        "mariadb-backup --prepare of the copy", kPrepareTimeout);
    const std::string info = binlog_info_of(dir);
    if (info.empty()) {
      throw common::internal_error("mariadb-backup wrote no binlog info into " + dir +
                                   ": is binary logging on?");
    }
    position = parse_binlog_info(read_text(info));
  } catch (...) {
    fs::remove_all(dir, ec);
    throw;
  }
  common::log::info("mysql.copied", {{"instance", instance_id_},
                                     {"dir", dir},
                                     {"bytes", std::to_string(directory_size(dir))},
                                     {"gtid", position.gtid}});
  return position;
}

void MariaDbBackupTool::copy_back(const std::string& dir) const {
  if (binlog_info_of(dir).empty()) {
    throw common::bad_request(dir + " holds no prepared copy on this host");
  }
  install_prepared(dir, "--copy-back");
  common::log::info("mysql.copied_back", {{"instance", instance_id_}, {"from", dir}});
}

void MariaDbBackupTool::install_prepared(const std::string& dir, const std::string& how) const {
  try {
    empty_directory(layout_.data_dir);
    run({binary_("mariadb-backup"), "--defaults-file=" + layout_.config, how, "--target-dir=" + dir,
         "--datadir=" + layout_.data_dir},
        "mariadb-backup " + how, kMoveTimeout);
    run({"chown", "-R", "mysql:mysql", layout_.root}, "chown of " + layout_.root, kMoveTimeout);
  } catch (...) {
    empty_directory(layout_.data_dir);  // a retry starts from nothing
    throw;
  }
}

proto::mysql::BackupFacts MariaDbBackupTool::extract(storage::BackupStorage& storage,
                                                     const proto::mysql::RestoreLink& link,
                                                     size_t n, const std::string& work,
                                                     const std::string& previous_to_lsn) const {
  const std::string what = "the backup at " + link.prefix();
  std::ostringstream text;
  try {
    storage.get(backup_manifest_key(link.prefix()), text);
  } catch (const storage::ObjectNotFound&) {
    throw common::bad_request(what + " has no manifest: it never completed");
  }
  const proto::BackupManifest manifest = parse_backup_manifest(text.str(), what + "'s manifest");
  const proto::mysql::BackupFacts facts = backup_facts(manifest, what);
  if (manifest.incremental() != (n > 0) || link.incremental() != manifest.incremental()) {
    throw common::bad_request("a restore chain is one full backup then incrementals; " + what +
                              (manifest.incremental() ? " is incremental" : " is full"));
  }
  if (n > 0 && facts.from_lsn() != previous_to_lsn) {
    throw common::bad_request(what + " does not follow the backup before it in the chain");
  }
  if (facts.format() != kBackupFormat || facts.compression() != kBackupCompression) {
    throw common::bad_request(what + " is " + facts.format() + "/" + facts.compression() +
                              ", not mbstream/zstd");
  }
  const std::string dir = work + "/" + std::to_string(n);
  fs::create_directories(dir);
  const std::string log = work + "/extract.log";
  ChildPipeline pipeline({{"zstd", "-d", "-q", "-c"}, {binary_("mbstream"), "-x", "-C", dir}},
                         ChildPipeline::Direction::kIntoPipeline, log);
  guestagent::PipeWriteBuf buf(pipeline.fd());
  std::ostream out(&buf);
  out.exceptions(std::ios::badbit);  // the tools failed: stop reading the storage
  try {
    storage.get(facts.data_key(), out);
    out.flush();
  } catch (const storage::ObjectNotFound&) {
    throw common::bad_request(what + " misses its data object " + facts.data_key());
  } catch (const common::Error& e) {
    pipeline.finish(seconds(5));
    throw common::internal_error("restoring " + facts.data_key() + " failed: " + e.what() + "; " +
                                 log_tail(log));
  }
  check_exits(pipeline.finish(kExitTimeout), "zstd -d | mbstream -x of " + facts.data_key(), log);
  return facts;
}

void MariaDbBackupTool::run(const std::vector<std::string>& argv, const std::string& what,
                            std::chrono::milliseconds timeout) const {
  const auto r = guestagent::run_command(argv, "", timeout);
  if (!r.ok()) {
    throw common::internal_error(what + " failed" + (r.timed_out ? " (timed out)" : "") + ": " +
                                 guestagent::tail_lines(r.output, 10));
  }
}

}  // namespace automat::datastores::mysql
