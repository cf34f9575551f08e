#include <cstdio>

#include "db/pg_repositories.h"
#include "db/pg_support.h"

namespace automat::db {
namespace {

// One advisory lock key serialises lease() callers across processes.
constexpr int64_t kLeaseLock = 0x6175746f6d61;  // "automa"

std::optional<std::string> leased_to(pqxx::transaction_base& t, const std::string& instance_id) {
  auto r = t.exec_params("SELECT address FROM address_leases WHERE instance_id = $1", instance_id);
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::string>();
}

// The lowest free host address of `cidr` outside `skip`: the first host
// address if free, else the lowest (taken address + 1) that is free and
// still a host address, where taken = leased or skipped.
std::optional<std::string> lowest_free(pqxx::transaction_base& t, const std::string& cidr,
                                       const std::set<std::string>& skip) {
  auto r = t.exec_params(
      "WITH pool AS (SELECT set_masklen(network($1::inet)::inet, 32) AS net,"
      "   set_masklen(broadcast($1::inet), 32) AS bcast),"
      " taken AS (SELECT a.address::inet AS addr FROM address_leases a"
      "   UNION SELECT s::inet FROM unnest($2::text[]) AS s),"
      " used AS (SELECT taken.addr FROM taken, pool"
      "   WHERE taken.addr BETWEEN pool.net AND pool.bcast)"
      " SELECT host(c.addr) FROM pool, LATERAL ("
      "   SELECT pool.net + 1 AS addr UNION ALL SELECT used.addr + 1 FROM used) c"
      " WHERE c.addr > pool.net AND c.addr < pool.bcast"
      "   AND NOT EXISTS (SELECT 1 FROM used WHERE used.addr = c.addr)"
      " ORDER BY c.addr LIMIT 1",
      cidr, pg::text_array({skip.begin(), skip.end()}));
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::string>();
}

void check_address(const std::string& address) {
  unsigned a, b, c, d;
  char tail;
  if (std::sscanf(address.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4 || a > 255 ||
      b > 255 || c > 255 || d > 255) {
    throw common::bad_request("invalid address '" + address + "': expected an IPv4 address");
  }
}

void check_cidr(const std::string& cidr) {
  unsigned a, b, c, d, prefix;
  char tail;
  if (std::sscanf(cidr.c_str(), "%u.%u.%u.%u/%u%c", &a, &b, &c, &d, &prefix, &tail) != 5 ||
      a > 255 || b > 255 || c > 255 || d > 255 || prefix > 32) {
    throw common::bad_request("invalid address pool '" + cidr +
                              "': expected an IPv4 network a.b.c.d/n");
  }
}

}  // namespace

std::string PgAddressLeaseRepository::lease(const std::string& instance_id, const std::string& cidr,
                                            const std::set<std::string>& skip) {
  check_cidr(cidr);
  for (const auto& address : skip) check_address(address);
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    t.exec_params("SELECT pg_advisory_xact_lock($1)", kLeaseLock);
    if (auto existing = leased_to(t, instance_id)) return *existing;
    const auto address = lowest_free(t, cidr, skip);
    if (!address) {
      throw common::unavailable("address pool " + cidr + " is full" +
                                (skip.empty() ? std::string()
                                              : " (" + std::to_string(skip.size()) +
                                                    " free address(es) skipped: in use)"));
    }
    t.exec_params("INSERT INTO address_leases (address, instance_id) VALUES ($1, $2)", *address,
                  instance_id);
    t.commit();
    return *address;
  });
}

std::optional<std::string> PgAddressLeaseRepository::find(const std::string& instance_id) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    return leased_to(t, instance_id);
  });
}

void PgAddressLeaseRepository::release(const std::string& instance_id) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    t.exec_params("DELETE FROM address_leases WHERE instance_id = $1", instance_id);
  });
}

std::vector<AddressLease> PgAddressLeaseRepository::list() {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    std::vector<AddressLease> out;
    for (const auto& r : t.exec(
             "SELECT instance_id, address, GREATEST(0, EXTRACT(EPOCH FROM now() - created))::bigint"
             " FROM address_leases ORDER BY created, address")) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::string>(),
                     std::chrono::seconds(r[2].as<long long>())});
    }
    return out;
  });
}

}  // namespace automat::db
