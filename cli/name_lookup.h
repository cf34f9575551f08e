#pragma once
// Things named by ID or name: how every command turns what the user typed
// into the ID the server wants.
#include <nlohmann/json.hpp>
#include <string>

namespace automat::cli {

// The "id" of the one item of `items` (an array of objects with "id" and
// "name") whose ID or name is `ref`: an ID match wins. Returns `ref`
// unchanged when nothing matches, so the server answers for it (404). Throws
// cli::UsageError when several items carry that name, saying how many
// `kind` ("instances") share it and pointing at `list_command` for their IDs.
std::string id_by_id_or_name(const nlohmann::json& items, const std::string& ref,
                             const std::string& kind, const std::string& list_command);

}  // namespace automat::cli
