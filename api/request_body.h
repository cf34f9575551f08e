#pragma once
// Reading a request body that its schema has already admitted. The schemas
// of docs/openapi.yaml (body_schemas.h) decide every type, required member,
// pattern and length, and answer a violation with a 400 naming the field;
// the parsers (instance_request.cc, replica_request.cc, cluster_request.cc)
// check the body against its schema first and then only read it, leaving
// them the rules a schema cannot state (a count that must match a list, a
// name given twice, the server's volume bounds). The router checks every
// body too (router.cc), so a parsed body is validated twice (in memory, on
// a body of at most the API's size limit, beside the create's database
// transaction); kept so that no parser can ever read a body nobody checked,
// a unit test or a new caller included.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/body_schemas.h"
#include "api/http_message.h"
#include "common/error.h"

namespace automat::api::body {

// Throws the schema's kBadRequest when `doc` violates the body schema of
// (method, `path` as docs/openapi.yaml spells it, e.g.
// "/v1.0/{tenant_id}/instances"). Throws std::logic_error when that
// operation has no body schema (a parser reading a body nobody checks).
void check(Method method, const std::string& path, const nlohmann::json& doc);

// The 400 for a rule the schema cannot state: "<field> <problem>".
common::Error field_error(const std::string& field, const std::string& problem);

// The member `key` of a checked object, or nullptr when absent or null.
const nlohmann::json* member(const nlohmann::json& obj, const char* key);
// A string member, or nullopt when absent or null.
std::optional<std::string> text(const nlohmann::json& obj, const char* key);
// A WholeNumber member (an integer, or a string of 1 to 9 digits); nullopt
// when absent or null. An integer above 10^9 reads as 10^9 + 1, so a bound
// check still refuses it.
std::optional<long long> whole(const nlohmann::json& obj, const char* key);
// A FlavorRef member (string or integer) as written; nullopt when absent.
std::optional<std::string> flavor_ref(const nlohmann::json& obj);

}  // namespace automat::api::body
