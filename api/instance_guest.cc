#include "api/instance_guest.h"

#include "common/error.h"
#include "common/status.h"

namespace automat::api {

InstanceGuest::InstanceGuest(const ApiServices& services, const RequestContext& ctx,
                             const std::string& instance_id, Use use)
    : services_(services) {
  if (!services.database_admin) {
    throw common::Error(common::ErrorCode::kNotImplemented,
                        "database and user management is not available on this API server");
  }
  auto found = services.instances->find(ctx.tenant_id(), instance_id);
  if (!found) throw common::not_found("instance " + instance_id + " was not found");
  instance_ = std::move(*found);
  const std::string status = common::user_status(instance_.task, instance_.service_status);
  if (status != "ACTIVE" || instance_.task != common::task::kNone) {
    throw common::unprocessable(
        "instance " + instance_.id + " is " + status +
        (instance_.task == common::task::kNone ? "" : " (task " + instance_.task + ")") +
        "; its databases and users can be managed once it is ACTIVE");
  }
  if (use == Use::kWrite && instance_.slave_of) {
    throw common::unprocessable(
        "instance " + instance_.id + " is a read-only replica of " + *instance_.slave_of +
        ": it copies its source's databases and users; change them on " + *instance_.slave_of);
  }
  if (!instance_.address || !instance_.guest_port) {
    throw common::unavailable("instance " + instance_.id + " has no address yet; retry shortly");
  }
}

void InstanceGuest::with(const std::function<void(guestclient::DatabaseAdminClient&)>& call) const {
  // Where the compute driver said the guest listens (recorded with the
  // address when the server was made), not a port from the API's config.
  const guestclient::GuestEndpoint endpoint{instance_.id, *instance_.address,
                                            *instance_.guest_port};
  const auto client = services_.database_admin->connect(endpoint, services_.guest_call_timeout);
  try {
    call(*client);
  } catch (const common::Error& e) {
    if (e.code() == common::ErrorCode::kNotImplemented) {
      throw common::unprocessable("the " + instance_.datastore_name + " datastore of instance " +
                                  instance_.id +
                                  " does not support managing databases, users or root");
    }
    throw;
  }
}

proto::UserRef user_ref_of(const std::string& path_user) {
  proto::UserRef ref;
  const size_t at = path_user.rfind('@');
  if (at == std::string::npos) {
    ref.set_name(path_user);
  } else {
    ref.set_name(path_user.substr(0, at));
    ref.set_host(path_user.substr(at + 1));
  }
  if (ref.host().empty()) ref.set_host("%");
  return ref;
}

}  // namespace automat::api
