#include "datastores/cassandra/guest_cassandra_training.h"

#include <chrono>
#include <filesystem>
#include <vector>

#include "common/atomic_file.h"
#include "common/error.h"
#include "datastores/cassandra/guest_cassandra_auth.h"
#include "datastores/cassandra/guest_cassandra_command.h"
#include "datastores/cassandra/guest_cassandra_cql.h"
#include "datastores/cassandra/guest_cassandra_jvm.h"

namespace automat::datastores::cassandra {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr auto kTrainingStart = std::chrono::seconds(300);
constexpr auto kTrainingNodetool = std::chrono::seconds(60);
constexpr int kTrainingRamMb = 1024;

// Removes its paths (files or trees) when it goes out of scope, unless kept.
class RemovedAtExit {
 public:
  explicit RemovedAtExit(std::vector<fs::path> paths) : paths_(std::move(paths)) {}
  ~RemovedAtExit() {
    std::error_code ec;
    for (const auto& p : paths_) fs::remove_all(p, ec);
  }
  RemovedAtExit(const RemovedAtExit&) = delete;
  RemovedAtExit& operator=(const RemovedAtExit&) = delete;

 private:
  std::vector<fs::path> paths_;
};

void require_written(const std::string& file, const std::string& what) {
  if (usable_archive(file).empty()) {
    throw common::internal_error("the training " + what + " wrote no class archive at " + file +
                                 " (is this java a full JDK 17 with its default CDS archive?)");
  }
}

}  // namespace

TrainedArchives train_class_archives(const std::string& image_dir, const std::string& work_dir,
                                     const std::string& address) {
  const auto started = Clock::now();
  TrainedArchives out{server_archive_file(image_dir), nodetool_archive_file(image_dir), 0};
  const std::string server_partial = out.server + ".partial";
  const std::string nodetool_partial = out.nodetool + ".partial";
  std::error_code ec;
  fs::create_directories(fs::path(out.server).parent_path(), ec);
  if (ec) {
    throw common::internal_error("cannot create " + fs::path(out.server).parent_path().string() +
                                 ": " + ec.message());
  }
  fs::remove_all(work_dir, ec);
  // The node's files always go; the partial archives go unless renamed into place.
  RemovedAtExit cleanup({work_dir, server_partial, nodetool_partial});
  CassandraJvm jvm(CassandraLayout::under(work_dir), address, "class-archive-training", image_dir,
                   kTrainingRamMb);
  NodeSettings settings;
  settings.cluster_name = "automat-training";
  settings.seeds = {address};
  settings.standalone = true;
  settings.auto_bootstrap = false;
  jvm.configure(settings);
  jvm.record_class_archives(server_partial, nodetool_partial);
  try {
    jvm.start("", kTrainingStart);
    {
      auto session = login_until(jvm, default_login(), std::chrono::seconds(60));
      list_keyspaces(*session);
    }
    jvm.nodetool({"status"}, kTrainingNodetool);
  } catch (...) {
    jvm.stop();
    throw;
  }
  jvm.stop();  // the node writes its archive while it exits
  require_written(nodetool_partial, "nodetool run");
  require_written(server_partial, "node");
  // The JVMs wrote the archives; they replace the old ones whole, durably.
  common::replace_file_with(out.nodetool, nodetool_partial);
  common::replace_file_with(out.server, server_partial);
  out.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return out;
}

}  // namespace automat::datastores::cassandra
