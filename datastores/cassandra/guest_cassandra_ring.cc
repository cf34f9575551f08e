#include "datastores/cassandra/guest_cassandra_ring.h"

#include <cmath>
#include <sstream>

#include "common/error.h"
#include "common/text.h"
#include "guestagent/child_process.h"

namespace automat::datastores::cassandra {
namespace {

std::vector<std::string> split_ws(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  std::string w;
  while (in >> w) words.push_back(w);
  return words;
}

bool is_state(const std::string& w) {
  return w.size() == 2 && (w[0] == 'U' || w[0] == 'D') &&
         std::string("NLJM").find(w[1]) != std::string::npos;
}

// A node row: state address load [unit] tokens owns host_id rack. Load is
// "?" (one word) when unknown, otherwise a number and a unit.
std::optional<RingNode> parse_row(const std::vector<std::string>& w, const std::string& dc) {
  if (w.size() < 7 || !is_state(w[0])) return std::nullopt;
  RingNode n;
  n.state = w[0];
  n.address = w[1];
  n.dc = dc;
  size_t next = 3;
  if (w[2] == "?") {
    n.load_bytes = std::nullopt;
  } else {
    n.load_bytes = parse_size(w[2], w[3]);
    next = 4;
  }
  // tokens, owns, host id, rack
  if (w.size() < next + 4) return std::nullopt;
  n.host_id = w[next + 2];
  n.rack = w[next + 3];
  return n;
}

}  // namespace

std::optional<int64_t> parse_size(const std::string& number, const std::string& unit) {
  std::string digits = number;
  for (char& c : digits) {
    if (c == ',') c = '.';  // a locale with a decimal comma
  }
  double value = 0;
  size_t used = 0;
  try {
    value = std::stod(digits, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (used != digits.size() || value < 0) return std::nullopt;
  double scale = 0;
  if (unit == "bytes" || unit == "B") scale = 1;
  if (unit == "KiB" || unit == "KB") scale = 1024.0;
  if (unit == "MiB" || unit == "MB") scale = 1024.0 * 1024;
  if (unit == "GiB" || unit == "GB") scale = 1024.0 * 1024 * 1024;
  if (unit == "TiB" || unit == "TB") scale = 1024.0 * 1024 * 1024 * 1024;
  if (scale == 0) return std::nullopt;
  return static_cast<int64_t>(std::llround(value * scale));
}

std::vector<RingNode> parse_nodetool_status(const std::string& output) {
  std::vector<RingNode> ring;
  std::string dc;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("Datacenter:")) {
      dc = common::trimmed(line.substr(std::string("Datacenter:").size()));
      continue;
    }
    if (auto node = parse_row(split_ws(line), dc)) ring.push_back(*node);
  }
  if (ring.empty()) {
    throw common::internal_error("nodetool status printed no node: " +
                                 guestagent::tail_lines(output, 5));
  }
  return ring;
}

proto::cassandra::RingStatusReply ring_reply(const std::vector<RingNode>& ring) {
  proto::cassandra::RingStatusReply reply;
  for (const RingNode& n : ring) {
    auto* node = reply.add_nodes();
    node->set_address(n.address);
    node->set_state(n.state);
    node->set_rack(n.rack);
    node->set_dc(n.dc);
    if (n.load_bytes) node->set_load_bytes(*n.load_bytes);
    node->set_host_id(n.host_id);
  }
  return reply;
}

std::string nodetool_error_message(const std::string& output) {
  // Two shapes: "nodetool: <message>" then "See 'nodetool help' ...", or
  // "error: <message>" then "-- StackTrace --" and the Java trace.
  std::istringstream in(output);
  std::string line;
  std::string message;
  bool in_error = false;
  while (std::getline(in, line)) {
    if (line.starts_with("-- StackTrace --") || line.starts_with("See 'nodetool help'")) break;
    for (const char* prefix : {"error: ", "nodetool: "}) {
      if (!in_error && line.starts_with(prefix)) {
        in_error = true;
        line = line.substr(std::string(prefix).size());
      }
    }
    if (in_error && !common::trimmed(line).empty())
      message += (message.empty() ? "" : " ") + common::trimmed(line);
  }
  return message.empty() ? guestagent::tail_lines(output, 5) : message;
}

}  // namespace automat::datastores::cassandra
