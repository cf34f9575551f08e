#pragma once
// Whether something listens on an address. The local driver never starts a
// guest on an address another process still serves: an orphan guest agent
// (whose instance records were lost) or the datastore it left would answer
// in the new guest's place, or keep it from binding the guest port, 3306,
// 9042, 7000...
#include <string>
#include <vector>

namespace automat::compute::local {

class ListenerProbe {
 public:
  virtual ~ListenerProbe() = default;
  // The TCP ports something listens on at exactly `ipv4` (listeners on the
  // wildcard address are not counted), in ascending order; empty when none.
  virtual std::vector<int> listening_ports(const std::string& ipv4) = 0;
};

// Reads the kernel's socket tables (/proc/net/tcp and /proc/net/tcp6, where
// a JVM's IPv4 listeners appear as IPv4-mapped addresses).
class ProcNetListenerProbe : public ListenerProbe {
 public:
  std::vector<int> listening_ports(const std::string& ipv4) override;
};

// The listening ports at `ipv4` in the text of /proc/net/tcp (`v6` false) or
// /proc/net/tcp6 (`v6` true). Lines it cannot read are skipped.
std::vector<int> listening_ports_in(const std::string& proc_net_text, bool v6,
                                    const std::string& ipv4);

}  // namespace automat::compute::local
