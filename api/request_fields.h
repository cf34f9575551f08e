#pragma once
// Reading fields of a JSON request body with 400s that name the field, for
// request parsers (cluster_request.cc). Every throw is
// common::Error(kBadRequest) with a message "<field> <problem>".
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/client_text.h"
#include "common/error.h"

namespace automat::api::fields {

common::Error field_error(const std::string& field, const std::string& problem);

// A client's value for a message: quoted, a short excerpt (common/client_text.h).
using common::in_quotes;

// The member `key` of `obj`, or nullptr when absent or null.
const nlohmann::json* member(const nlohmann::json& obj, const char* key);

// The object member `key` of `obj` ("is required" / "must be an object").
const nlohmann::json& required_object(const nlohmann::json& obj, const char* key,
                                      const std::string& field);
std::string required_string(const nlohmann::json& obj, const char* key, const std::string& field);
std::optional<std::string> optional_string(const nlohmann::json& obj, const char* key,
                                           const std::string& field);
// A whole number given as a JSON integer or, as Trove's schema accepts for
// sizes and counts, as a string of 1 to 9 digits ("1"); nullopt when
// `value` is neither (a negative integer is returned as it is).
std::optional<long long> whole_number(const nlohmann::json& value);

// An integer member (or a string of digits, see whole_number), or nullopt
// when absent; "must be an integer" otherwise.
std::optional<long long> optional_integer(const nlohmann::json& obj, const char* key,
                                          const std::string& field);

// A display name by the rule of api/display_name.h (visible, no control or
// bidirectional formatting characters, at most 255 characters).
std::string display_name(const nlohmann::json& obj, const char* key, const std::string& field);

// An optional availability zone / region: 1..255 of [A-Za-z0-9_.-].
std::optional<std::string> zone(const nlohmann::json& obj, const char* key,
                                const std::string& field);

// obj.flavorRef (string or integer, id, name or .../flavors/<id> URL) as a
// flavor id or name; nullopt when absent.
std::optional<std::string> flavor_ref(const nlohmann::json& obj, const std::string& field);

// obj.volume.size in GB within [min_gb, max_gb], an integer or a string of
// digits ("1", as `openstack database cluster create` sends it); nullopt
// when volume is absent.
std::optional<int> volume_size(const nlohmann::json& obj, const std::string& field, int min_gb,
                               int max_gb);

}  // namespace automat::api::fields
