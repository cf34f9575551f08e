#include "taskmanager/orphan_reaper.h"

#include "common/log.h"
#include "common/text.h"

namespace automat::taskmanager {
namespace {

using RecordState = db::InstanceRepository::RecordState;

}  // namespace

OrphanReaper::OrphanReaper(db::InstanceRepository& instances, compute::ComputeDriver& compute,
                           common::StopSignal& stop, std::chrono::seconds interval,
                           std::chrono::seconds grace)
    : instances_(instances), compute_(compute), stop_(stop), interval_(interval), grace_(grace) {}

void OrphanReaper::run() {
  while (!stop_.wait_for(interval_)) {
    try {
      scan_once();
    } catch (const std::exception& e) {
      common::log::warn("orphan.scan_failed", {{"error", e.what()}});
    }
  }
}

std::vector<OrphanReaper::Removal> OrphanReaper::scan_once() {
  const auto footprints = compute_.footprints();
  if (footprints.empty()) return {};
  std::vector<std::string> ids;
  for (const auto& fp : footprints) ids.push_back(fp.instance_id);
  // Read after the footprints: an instance's record is written before its
  // server exists, so a footprint whose record is missing now never had one.
  const auto states = instances_.record_states(ids);
  size_t without_record = 0;
  for (const auto& [id, state] : states) without_record += state == RecordState::kMissing;
  if (without_record >= kMassOrphans && 2 * without_record > footprints.size()) {
    common::log::error("orphan.scan_refused",
                       {{"servers", std::to_string(footprints.size())},
                        {"without_record", std::to_string(without_record)},
                        {"reason",
                         "most servers have no instance record: is database_url the "
                         "right database? nothing removed"}});
    return {};
  }
  std::vector<Removal> removed;
  for (const auto& fp : footprints) {
    if (stop_.requested()) break;
    const auto it = states.find(fp.instance_id);
    if (it == states.end() || it->second == RecordState::kLive) continue;
    const std::string why = it->second == RecordState::kMissing
                                ? "no instance record"
                                : "instance deleted, its delete finished";
    if (fp.age < grace_) {
      common::log::debug("orphan.within_grace", {{"instance", fp.instance_id},
                                                 {"why", why},
                                                 {"age_seconds", std::to_string(fp.age.count())}});
      continue;
    }
    if (remove(fp, why)) removed.push_back({fp, why});
  }
  return removed;
}

bool OrphanReaper::remove(const compute::Footprint& fp, const std::string& why) {
  try {
    compute_.destroy(fp.instance_id);
  } catch (const std::exception& e) {
    common::log::warn("orphan.remove_failed",
                      {{"instance", fp.instance_id}, {"why", why}, {"error", e.what()}});
    return false;
  }
  common::log::info("orphan.removed", {{"instance", fp.instance_id},
                                       {"why", why},
                                       {"processes", common::joined(fp.processes, ",")},
                                       {"directory", fp.directory},
                                       {"address", fp.address},
                                       {"age_seconds", std::to_string(fp.age.count())}});
  return true;
}

}  // namespace automat::taskmanager
