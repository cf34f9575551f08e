#pragma once
// See fake_repository_base.h for how the fakes behave.
#include "tests/fakes/fake_repository_base.h"

namespace automat::testing {

class FakeAddressLeaseRepository : public db::AddressLeaseRepository, public FakeBase {
 public:
  std::map<std::string, std::string> leases;  // instance id -> address
  std::map<std::string, TimePoint> created;   // instance id -> when leased (unset: now)

  std::string lease(const std::string& instance_id, const std::string& cidr,
                    const std::set<std::string>& skip) override {
    // As PgAddressLeaseRepository: the arguments are checked first.
    const auto [network, prefix] = parse_cidr(cidr);
    std::set<uint32_t> used;
    for (const auto& address : skip) used.insert(parse_address(address));
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = leases.find(instance_id);
    if (it != leases.end()) return it->second;
    for (const auto& [id, addr] : leases) used.insert(parse_address(addr));
    const uint64_t size = uint64_t{1} << (32 - prefix);
    for (uint64_t host = 1; host + 1 < size; ++host) {
      const auto addr = static_cast<uint32_t>(network + host);
      if (used.count(addr)) continue;
      created[instance_id] = time->now();
      return leases[instance_id] = format_ipv4(addr);
    }
    throw common::unavailable(
        "address pool " + cidr + " is full" +
        (skip.empty() ? std::string()
                      : " (" + std::to_string(skip.size()) + " free address(es) skipped: in use)"));
  }

  std::optional<std::string> find(const std::string& instance_id) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    auto it = leases.find(instance_id);
    if (it == leases.end()) return std::nullopt;
    return it->second;
  }

  void release(const std::string& instance_id) override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    leases.erase(instance_id);
    created.erase(instance_id);
  }

  std::vector<db::AddressLease> list() override {
    std::lock_guard<std::mutex> l(mu);
    check_available();
    const TimePoint now = time->now();
    std::vector<std::pair<TimePoint, db::AddressLease>> found;
    for (const auto& [id, addr] : leases) {
      const auto c = created.count(id) ? created.at(id) : now;
      found.push_back({c, {id, addr, std::chrono::duration_cast<std::chrono::seconds>(now - c)}});
    }
    // Oldest first, then by address, as PostgreSQL orders them.
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
      return std::tie(a.first, a.second.address) < std::tie(b.first, b.second.address);
    });
    std::vector<db::AddressLease> out;
    for (auto& [c, lease] : found) out.push_back(std::move(lease));
    return out;
  }

 private:
  static std::pair<uint32_t, unsigned> parse_cidr(const std::string& cidr) {
    unsigned a, b, c, d, prefix;
    char tail;
    if (std::sscanf(cidr.c_str(), "%u.%u.%u.%u/%u%c", &a, &b, &c, &d, &prefix, &tail) != 5 ||
        a > 255 || b > 255 || c > 255 || d > 255 || prefix > 32) {
      throw common::bad_request("invalid address pool '" + cidr +
                                "': expected an IPv4 network a.b.c.d/n");
    }
    const uint32_t addr = (a << 24) | (b << 16) | (c << 8) | d;
    const uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
    return {addr & mask, prefix};
  }
  static uint32_t parse_address(const std::string& address) {
    unsigned a, b, c, d;
    char tail;
    if (std::sscanf(address.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4 || a > 255 ||
        b > 255 || c > 255 || d > 255) {
      throw common::bad_request("invalid address '" + address + "': expected an IPv4 address");
    }
    return (a << 24) | (b << 16) | (c << 8) | d;
  }
  static std::string format_ipv4(uint32_t a) {
    return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
           std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
  }
};

}  // namespace automat::testing
