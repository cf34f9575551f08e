// The ring work of the Cassandra guest contract (cassandra_guest.proto) on
// CassandraManager; guest_cassandra_service.cc serves it. Requests may hold
// passwords: never logged.

#include <charconv>

#include "common/crypto.h"
#include "common/error.h"
#include "common/log.h"
#include "datastores/cassandra/guest_cassandra_auth.h"
#include "datastores/cassandra/guest_cassandra_config.h"
#include "datastores/cassandra/guest_cassandra_cql.h"
#include "datastores/cassandra/guest_cassandra_manager.h"

namespace automat::datastores::cassandra {
namespace {

// Cleanup and decommission stream data: hours on a big node.
constexpr auto kStreamingTimeout = std::chrono::hours(6);
constexpr auto kReloadTimeout = std::chrono::seconds(60);

const std::string& required(const std::string& value, const char* what) {
  if (value.empty()) throw common::bad_request(std::string("a non-empty ") + what + " is needed");
  return value;
}

Credentials credentials_of(const proto::cassandra::Credentials& c) {
  return {required(c.username(), "username"), required(c.password(), "password")};
}

// Sets a flag for a scope (a maintenance action running).
class FlagScope {
 public:
  explicit FlagScope(std::atomic<bool>& flag) : flag_(flag) { flag_ = true; }
  ~FlagScope() { flag_ = false; }
  FlagScope(const FlagScope&) = delete;
  FlagScope& operator=(const FlagScope&) = delete;

 private:
  std::atomic<bool>& flag_;
};

}  // namespace

// A changing call is followed by a heartbeat (the service announces it):
// that heartbeat must show the ring as it is now, not the cached view from
// before (a ring just secured would otherwise wait a whole heartbeat
// interval to be seen UN).
class CassandraManager::ChangeScope {
 public:
  ChangeScope(CassandraManager& m, const char* what) : m_(m) {
    common::log::info("cassandra.action", {{"instance", m_.instance_id_}, {"action", what}});
  }
  ~ChangeScope() { m_.forget_detail(); }
  ChangeScope(const ChangeScope&) = delete;
  ChangeScope& operator=(const ChangeScope&) = delete;

 private:
  CassandraManager& m_;
};

proto::cassandra::RingStatusReply CassandraManager::ring_status() { return ring_reply(ring()); }

void CassandraManager::secure_cluster(const std::string& username) {
  validate_role_name(required(username, "username"));
  ChangeScope change(*this, "secure_cluster");
  auto admin = load_credentials(layout_.credentials);
  if (admin && admin->username != username) {
    throw common::conflict("the Cassandra node " + instance_id_ + " holds the admin login of " +
                           admin->username + ", not " + username);
  }
  if (!admin) {
    // Stored before the ring changes: a run the guest lost (it restarted
    // after the role was made) runs again with the same password.
    admin = Credentials{username, common::crypto::random_password(32)};
    store_credentials(layout_.credentials, *admin);
  }
  secure_ring(*server_, *admin, ring(), timing_.login_timeout, *timing_.clock);
}

void CassandraManager::use_admin_credentials(const proto::cassandra::Credentials& admin) {
  const Credentials login = credentials_of(admin);
  ChangeScope change(*this, "store_credentials");
  store_credentials(layout_.credentials, login);
}

std::string CassandraManager::rotate_admin(const std::string& password) {
  required(password, "password");
  validate_password(password);
  ChangeScope change(*this, "rotate_admin");
  const auto admin = load_credentials(layout_.credentials);
  if (!admin) {
    throw common::conflict("the Cassandra node " + instance_id_ +
                           " has no admin credentials to rotate; secure the cluster first");
  }
  auto session = login_until(*server_, *admin, kCqlLoginTimeout, *timing_.clock);
  // Only the password: Cassandra refuses a role altering its own superuser
  // status. Right after the ring was secured, Cassandra refuses the change
  // for a few seconds: change_password waits.
  change_password(*session,
                  {"ALTER ROLE " + cql::quote_identifier(admin->username) +
                       " WITH PASSWORD = " + cql::quote_literal(password),
                   {password}},
                  *timing_.clock);
  store_credentials(layout_.credentials, {admin->username, password});
  return admin->username;
}

void CassandraManager::update_seeds(const std::vector<std::string>& seeds) {
  validate_seeds(seeds);
  ChangeScope change(*this, "update_seeds");
  const auto turn = lifecycle_.begin();
  auto settings = record_.get().settings;
  if (!settings) {
    throw common::conflict("the Cassandra node " + instance_id_ + " was never configured");
  }
  settings->seeds = seeds;
  server_->configure(*settings);
  record_.update([&](CassandraState& s) { s.settings = settings; });
  // A stopped node reads the new yaml when it starts.
  if (server_->health() != CassandraServer::Health::kDown) {
    server_->nodetool({"reloadseeds"}, kReloadTimeout);
  }
  common::log::info("cassandra.seeds_updated",
                    {{"instance", instance_id_}, {"seeds", seeds_parameter(seeds)}});
}

void CassandraManager::cleanup() {
  ChangeScope change(*this, "cleanup");
  std::lock_guard<std::mutex> lock(maintenance_mu_);
  FlagScope blocked(maintenance_);
  server_->nodetool({"cleanup"}, kStreamingTimeout);
}

void CassandraManager::decommission() {
  ChangeScope change(*this, "decommission");
  std::lock_guard<std::mutex> lock(maintenance_mu_);
  FlagScope blocked(maintenance_);
  server_->nodetool({"decommission"}, kStreamingTimeout);
}

proto::cassandra::PendingHintsReply CassandraManager::pending_hints() {
  auto session = login_until(*server_, admin_login(), kCqlLoginTimeout, *timing_.clock);
  const cql::ResultSet rs = session->execute("SELECT * FROM system_views.pending_hints");
  const size_t address = rs.column("address");
  const size_t host_id = rs.column("host_id");
  const size_t files = rs.column("files");
  proto::cassandra::PendingHintsReply reply;
  for (const auto& row : rs.rows) {
    auto* target = reply.add_targets();
    target->set_address(row[address].value_or(""));
    target->set_host_id(row[host_id].value_or(""));
    // A count that does not read as a number counts as hints waiting.
    int n = 1;
    const std::string text = row[files].value_or("1");
    std::from_chars(text.data(), text.data() + text.size(), n);
    target->set_files(n);
  }
  return reply;
}

nlohmann::json CassandraManager::keyspaces() {
  auto session = login_until(*server_, admin_login(), kCqlLoginTimeout, *timing_.clock);
  return list_keyspaces(*session);
}

}  // namespace automat::datastores::cassandra
