#pragma once
// The ring as `nodetool status` prints it, parsed into one record per node,
// and the one-line reason from a failed nodetool run.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "datastores/cassandra/cassandra_guest.pb.h"

namespace automat::datastores::cassandra {

struct RingNode {
  std::string address;
  std::string state;  // two letters: U/D then N(ormal), L(eaving), J(oining), M(oving)
  std::string rack;
  std::string dc;
  std::optional<int64_t> load_bytes;  // nullopt when nodetool shows "?"
  std::string host_id;

  bool operator==(const RingNode&) const = default;
};

// Every node row of `nodetool status` output, in output order, with the dc
// of its "Datacenter:" block. Lines that are not node rows (headers, notes,
// JVM warnings) are skipped. Throws common::Error(kInternal) quoting the
// output when it holds no node row at all.
std::vector<RingNode> parse_nodetool_status(const std::string& output);

// "114.7 KiB" -> 117453 (rounded); units bytes, KiB, MiB, GiB, TiB (and
// KB/MB/GB/TB as 1024-based). nullopt for "?" or anything unparseable.
std::optional<int64_t> parse_size(const std::string& number, const std::string& unit);

// The ring as the contract carries it (RingStatus, NodeReport.ring); a node
// whose load is unknown has no load_bytes.
proto::cassandra::RingStatusReply ring_reply(const std::vector<RingNode>& ring);

// What a failed nodetool said, without the stack trace or the help hint:
// the text after "error: " or "nodetool: ", else the last lines of the output.
std::string nodetool_error_message(const std::string& output);

}  // namespace automat::datastores::cassandra
