#pragma once
// /v1.0/{tenant}/instances/{id}/databases (Trove's schemas): list (paged by
// the guest), create and delete, done by the instance's guest before the
// API answers (Trove's 202 for writes). See InstanceGuest for the checks
// every call passes first.
#include <string>

#include "api/http_message.h"
#include "api/request_context.h"
#include "api/services.h"

namespace automat::api {

// The largest page of databases or users (Trove's databases_page_size and
// users_page_size); ?limit may ask for fewer.
inline constexpr int kAdminPageSize = 20;

class DatabasesHandler {
 public:
  explicit DatabasesHandler(const ApiServices& services) : services_(services) {}

  // GET: 200 {"databases": [{"name"}], "links": [next]} (links while more remain).
  Response list(const RequestContext& ctx, const std::string& instance_id) const;
  // POST {"databases": [{"name", "character_set", "collate"}]}: 202; 400 for
  // a name that is invalid, reserved or taken, each checked before any is made.
  Response create(const RequestContext& ctx, const std::string& instance_id) const;
  // DELETE .../databases/{name}: 202; 404 when there is none.
  Response remove(const RequestContext& ctx, const std::string& instance_id,
                  const std::string& name) const;

 private:
  const ApiServices& services_;
};

}  // namespace automat::api
