#pragma once
// Root (Trove's root extension): a superuser that may log in from anywhere.
// POST /instances/{id}/root and /clusters/{id}/root enable it through the
// guest (with the body's "password" or a generated one, answered once:
// 200 {"user": {"name", "password"}}) and record it in the root-enabled
// history; GET answers {"rootEnabled": bool} from that history, as Trove
// does; DELETE /instances/{id}/root disables it (204; 404 when root was
// never enabled). The password is never logged.
#include <string>

#include "api/http_message.h"
#include "api/request_context.h"
#include "api/services.h"

namespace automat::api {

class RootHandler {
 public:
  explicit RootHandler(const ApiServices& services) : services_(services) {}

  // Instance routes: checked as InstanceGuest does (enable and disable are
  // writes: a replica refuses them).
  Response enable(const RequestContext& ctx, const std::string& instance_id) const;
  Response show(const RequestContext& ctx, const std::string& instance_id) const;
  Response disable(const RequestContext& ctx, const std::string& instance_id) const;

  // Cluster routes: enabled through one ACTIVE node (a seed when one is)
  // and recorded for every node; 422 while the cluster is being deleted or
  // no node is ACTIVE.
  Response enable_cluster(const RequestContext& ctx, const std::string& cluster_id) const;
  Response show_cluster(const RequestContext& ctx, const std::string& cluster_id) const;

 private:
  // 501 unless this server reaches guests and keeps the root history.
  void require_wired() const;

  const ApiServices& services_;
};

}  // namespace automat::api
