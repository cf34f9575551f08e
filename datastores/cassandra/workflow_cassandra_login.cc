#include "datastores/cassandra/workflow_cassandra_login.h"

#include "common/crypto.h"
#include "common/log.h"
#include "datastores/cassandra/workflow_cassandra_guest.h"
#include "datastores/cassandra/workflow_cassandra_nodes.h"

namespace automat::datastores::cassandra {
namespace {

using taskmanager::StepContext;
using taskmanager::StepResult;

// Every node of `holders` stores `admin`, in turn. Not a node phase
// (run_node_phase): the password lives for one run only, so a node
// recorded done in an earlier run holds a password a later run replaces;
// storing is quick and idempotent, so a resumed step stores on every node
// again.
std::optional<StepResult> store_login(StepContext& ctx, const std::vector<db::Node>& holders,
                                      const proto::cassandra::Credentials& admin) {
  for (const auto& n : holders) {
    try {
      cassandra_guest(ctx, n.instance_id).store_credentials(admin, kQuickCall);
    } catch (const std::exception& e) {
      return guest_error(ctx, n, "storing the admin login", e, Repeat::kIdempotent);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<StepResult> secure_and_share_login(StepContext& ctx, const db::Cluster& cluster,
                                                 const db::Node& via,
                                                 const std::vector<db::Node>& holders,
                                                 const std::string& doing) {
  const auto secured = node_job(ctx, cluster, via, "secure", doing,
                                [](CassandraGuestClient& guest, const std::string& key) {
                                  return guest.start_secure_cluster(key, kAdminUser, kQuickCall);
                                });
  if (secured) return secured;
  proto::cassandra::Credentials admin;
  admin.set_username(kAdminUser);
  admin.set_password(common::crypto::random_password(32));
  try {
    cassandra_guest(ctx, via.instance_id).rotate_admin(admin.password(), kQuickCall);
  } catch (const std::exception& e) {
    // Sent twice, a rotation still in flight could race the second.
    return guest_error(ctx, via, "rotating the admin login", e, Repeat::kOnce);
  }
  if (auto failed = store_login(ctx, holders, admin)) return failed;
  common::log::info("cassandra.login_shared", {{"op", ctx.operation.id},
                                               {"cluster", cluster.id},
                                               {"via", via.instance_id},
                                               {"admin", kAdminUser},
                                               {"nodes", std::to_string(holders.size() + 1)}});
  return std::nullopt;
}

}  // namespace automat::datastores::cassandra
