#pragma once
// Tolerant reads of server JSON for display: a missing or oddly typed field
// shows as empty instead of aborting the command.
#include <nlohmann/json.hpp>
#include <string>

namespace automat::cli {

// `value` as display text: strings as they are, null as "", numbers and
// booleans as JSON, arrays of scalars joined with ", ", objects as compact JSON.
std::string display_text(const nlohmann::json& value);

// display_text of object[key]; "" when `object` is not an object or lacks key.
std::string field_text(const nlohmann::json& object, const std::string& key);

// object[key] as a number, or `fallback` when missing or not a number.
double field_number(const nlohmann::json& object, const std::string& key, double fallback);

// object[key] when it is an object or array, else null.
nlohmann::json field_json(const nlohmann::json& object, const std::string& key);

// `value` when it is an array, else an empty array. By value, so a temporary
// argument is safe in a range-for.
nlohmann::json array_items(const nlohmann::json& value);

// A flavor's id as text: its "str_id" (Trove's string form; "id" is an
// integer, or null for an id that is not a number), else its "id".
std::string flavor_id_text(const nlohmann::json& flavor);

}  // namespace automat::cli
