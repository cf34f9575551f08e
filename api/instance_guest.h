#pragma once
// The guest of one of the caller's instances, reached for database
// administration (the databases, users and root routes): finds the instance
// in the URL's tenant and checks that it can take the call now, then hands
// out a DatabaseAdmin client bound by the API's guest deadline. The API
// answers once the guest did the work, so what the guest refuses reaches the
// caller as a 4xx with the guest's sentence.
#include <functional>
#include <memory>
#include <string>

#include "api/request_context.h"
#include "api/services.h"
#include "guestclient/database_admin_client.h"

namespace automat::api {

class InstanceGuest {
 public:
  enum class Use { kRead, kWrite };

  // Throws common::Error: 501 when this server reaches no guests; 404 when
  // the tenant has no such instance; 422 naming the instance's status while
  // it is not ACTIVE and idle; for kWrite, 422 on a replica (it copies its
  // source's databases and users).
  InstanceGuest(const ApiServices& services, const RequestContext& ctx,
                const std::string& instance_id, Use use);

  const db::Instance& instance() const { return instance_; }

  // Runs `call` with the instance's guest. The guest's refusals keep their
  // code (400, 404, 409, 503); a guest whose datastore has no database
  // administration is 422 naming the datastore.
  void with(const std::function<void(guestclient::DatabaseAdminClient&)>& call) const;

 private:
  const ApiServices& services_;
  db::Instance instance_;
};

// A response without a body (the admin routes' 202 and 204, as Trove's).
inline Response empty_response(int status) {
  Response r;
  r.status = status;
  return r;
}

// The user named in a path, as Trove's clients write it: "name" or
// "name@host" (split at the last '@'; no host or an empty one is "%").
proto::UserRef user_ref_of(const std::string& path_user);

}  // namespace automat::api
