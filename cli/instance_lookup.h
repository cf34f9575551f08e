#pragma once
// How instance commands name things: instance paths, an instance or flavor
// given by ID or name, and showing one instance.
#include <nlohmann/json.hpp>
#include <string>

#include "cli/api_client.h"
#include "cli/session.h"

namespace automat::cli {

// "/instances/<id>" with `id` percent-encoded.
std::string instance_path(const std::string& id);

// A flavor ID, or the ID of the one flavor with that name (GET /flavors).
// Throws cli::UsageError when neither matches.
std::string resolve_flavor(ApiClient& api, const std::string& ref);

// An instance ID as given (a UUID is not looked up), or the ID of the one
// instance with that ID or name (GET /instances). Throws cli::UsageError when
// several instances have that name; returns `ref` unchanged when none
// matches, so the server answers for it (404, or 400 naming the field).
std::string resolve_instance(ApiClient& api, const std::string& ref);

// GET /instances/<id> and print the instance view (table or json).
void show_instance(Session& session, ApiClient& api, const std::string& id);

}  // namespace automat::cli
