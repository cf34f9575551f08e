#pragma once
// Removes what the compute driver holds for no live instance: guest agents
// and the datastore processes they left, instance directories and address
// leases of an instance with no record (a create whose records were lost,
// e.g. to a database crash) or whose record is deleted and whose delete is
// finished. A footprint (compute::Footprint) is an orphan only when the
// records say so (InstanceRepository::record_states: nothing runs on it)
// and its youngest part is older than the grace period; it is removed with
// ComputeDriver::destroy (which checks each process's command line and start
// time before signalling it), and one log line per orphan says what was
// removed and why. Runs in the taskmanager every [taskmanager]
// orphan_scan_seconds; several taskmanagers may (removal is idempotent).
//
// A safety valve: when most servers on the host look like orphans with no
// record (kMassOrphans of them or more, and more than half), the records
// are more likely the wrong database than lost, so nothing is removed and an
// error line says so.
#include <chrono>
#include <string>
#include <vector>

#include "common/stop_signal.h"
#include "compute/compute_driver.h"
#include "db/repositories.h"

namespace automat::taskmanager {

class OrphanReaper {
 public:
  struct Removal {
    compute::Footprint what;
    std::string why;  // "no instance record", "instance deleted, its delete finished"
  };

  static constexpr size_t kMassOrphans = 5;

  // Every reference must outlive the reaper.
  OrphanReaper(db::InstanceRepository& instances, compute::ComputeDriver& compute,
               common::StopSignal& stop, std::chrono::seconds interval, std::chrono::seconds grace);

  // Scans every interval until stop is requested. Never throws. Call from
  // one thread.
  void run();
  // One scan: removes the orphans old enough; returns them. An orphan that
  // cannot be removed is logged and left for the next scan. Throws
  // common::Error when the footprints or the records cannot be read
  // (nothing is removed then).
  std::vector<Removal> scan_once();

 private:
  bool remove(const compute::Footprint& fp, const std::string& why);

  db::InstanceRepository& instances_;
  compute::ComputeDriver& compute_;
  common::StopSignal& stop_;
  const std::chrono::seconds interval_;
  const std::chrono::seconds grace_;
};

}  // namespace automat::taskmanager
