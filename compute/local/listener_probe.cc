#include "compute/local/listener_probe.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace automat::compute::local {
namespace {

constexpr const char* kListen = "0A";  // TCP_LISTEN in the st column

// The kernel prints each 32-bit word of an address as %08X of its value in
// host (little-endian) byte order: 127.10.0.8 is "08000A7F".
std::string word_of(const std::string& ipv4) {
  unsigned a, b, c, d;
  char tail;
  if (std::sscanf(ipv4.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4 || a > 255 ||
      b > 255 || c > 255 || d > 255) {
    return "";
  }
  char buf[9];
  std::snprintf(buf, sizeof buf, "%02X%02X%02X%02X", d, c, b, a);
  return buf;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::toupper(ch); });
  return s;
}

std::string slurp(const char* path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

std::vector<int> listening_ports_in(const std::string& proc_net_text, bool v6,
                                    const std::string& ipv4) {
  const std::string word = word_of(ipv4);
  if (word.empty()) return {};
  // IPv4-mapped (::ffff:a.b.c.d): words 0, 0, 0000FFFF in host order, then a.b.c.d.
  const std::string wanted = v6 ? "0000000000000000FFFF0000" + word : word;
  std::vector<int> ports;
  std::istringstream lines(proc_net_text);
  std::string line;
  std::getline(lines, line);  // the header
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    if (!(fields >> slot >> local >> remote >> state) || state != kListen) continue;
    const auto colon = local.find(':');
    if (colon == std::string::npos || upper(local.substr(0, colon)) != wanted) continue;
    try {
      ports.push_back(std::stoi(local.substr(colon + 1), nullptr, 16));
    } catch (const std::exception&) {
      // not a port: skip the line
    }
  }
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  return ports;
}

std::vector<int> ProcNetListenerProbe::listening_ports(const std::string& ipv4) {
  auto ports = listening_ports_in(slurp("/proc/net/tcp"), false, ipv4);
  const auto v6 = listening_ports_in(slurp("/proc/net/tcp6"), true, ipv4);
  ports.insert(ports.end(), v6.begin(), v6.end());
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  return ports;
}

}  // namespace automat::compute::local
