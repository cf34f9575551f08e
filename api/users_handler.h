#pragma once
// /v1.0/{tenant}/instances/{id}/users (Trove's users): list (paged by the
// guest), create, change passwords, and per user ("name" or "name@host",
// percent-encoded as Trove's clients send it) show, update and delete; and
// .../users/{user}/databases: the user's access, grant and revoke. The
// instance's guest does each before the API answers (Trove's 202 for
// writes); see InstanceGuest for the checks every call passes first.
// Passwords are never logged nor answered.
#include <string>

#include "api/http_message.h"
#include "api/request_context.h"
#include "api/services.h"

namespace automat::api {

class UsersHandler {
 public:
  explicit UsersHandler(const ApiServices& services) : services_(services) {}

  // GET .../users: 200 {"users": [{"name","host","databases":[{"name"}]}],
  // "links": [next]} (links while more remain).
  Response list(const RequestContext& ctx, const std::string& instance_id) const;
  // POST .../users {"users": [{"name","password","host","databases":[{"name"}]}]}:
  // 202; 400 when a user is invalid, reserved or exists, 404 when one of
  // its databases does not; nothing is created unless all can be.
  Response create(const RequestContext& ctx, const std::string& instance_id) const;
  // PUT .../users {"users": [{"name","password","host"}]}: new passwords, 202;
  // 404 when a user does not exist (then none changes).
  Response change_passwords(const RequestContext& ctx, const std::string& instance_id) const;
  // GET .../users/{user}: 200 {"user": {"name","host","databases":[{"name"}]}}.
  Response show(const RequestContext& ctx, const std::string& instance_id,
                const std::string& user) const;
  // PUT .../users/{user} {"user": {"name","host","password"}}: 202.
  Response update(const RequestContext& ctx, const std::string& instance_id,
                  const std::string& user) const;
  // DELETE .../users/{user}: 202.
  Response remove(const RequestContext& ctx, const std::string& instance_id,
                  const std::string& user) const;

  // GET .../users/{user}/databases: 200 {"databases": [{"name"}]}.
  Response list_access(const RequestContext& ctx, const std::string& instance_id,
                       const std::string& user) const;
  // PUT .../users/{user}/databases {"databases": [{"name"}]}: 202; 404 when
  // a database does not exist.
  Response grant(const RequestContext& ctx, const std::string& instance_id,
                 const std::string& user) const;
  // DELETE .../users/{user}/databases/{database}: 202; 404 when the user has
  // no access to it.
  Response revoke(const RequestContext& ctx, const std::string& instance_id,
                  const std::string& user, const std::string& database) const;

 private:
  const ApiServices& services_;
};

}  // namespace automat::api
