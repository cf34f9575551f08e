#pragma once
// Request bodies checked against the JSON Schemas of docs/openapi.yaml (with
// valijson), so what the API publishes and what it accepts are one thing. A
// violation is a 400 whose message names the field ("instance.volume.size
// must be an integer") and never repeats the client's value.
//
// Beside JSON Schema (draft 4, which valijson compiles here), a schema may
// carry these extensions:
//   x-error   the end of the sentence "<field> ..." for any violation of
//             that schema but a wrong type ("must be 1 to 64 characters").
//   x-errors  the same, by the keyword that failed: minProperties,
//             maxProperties or additionalProperties; in the last, {member}
//             stands for the unknown member's (quoted) name. Without one, an
//             unknown member reads "<field> names 'x', which is not one of:
//             <its properties>".
//   rules     a member of an allOf with its own x-error (and optionally
//             x-member, the member it is about) states a rule across
//             members ("instances or size, not both"); a body that breaks it
//             is refused with "<field>[.<x-member>] <x-error>". A rule may
//             only use required, not and allOf/anyOf/oneOf of those (so that
//             every failure it reports is at its own object), no $ref.
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "api/http_message.h"

namespace valijson {
class Schema;
}

namespace automat::api {

class BodySchemas {
 public:
  // Compiles the requestBody schema of every operation of `openapi` (an
  // OpenAPI 3.0 document). Throws std::runtime_error on a schema valijson
  // cannot compile (a build-time mistake, found by the unit tests).
  explicit BodySchemas(const nlohmann::json& openapi);
  ~BodySchemas();
  BodySchemas(const BodySchemas&) = delete;
  BodySchemas& operator=(const BodySchemas&) = delete;

  // Whether (method, path pattern as in the document) has a body schema.
  bool has(Method method, const std::string& path) const;
  // Whether a request with `raw_body` must be parsed and checked: it has a
  // body schema, and a body is given or the operation's requestBody is
  // required (an optional body may be left out entirely).
  bool expects(Method method, const std::string& path, const std::string& raw_body) const;
  // Throws common::Error(kBadRequest) naming the first offending field when
  // `body` violates the body schema of (method, path); does nothing when
  // that operation has none.
  void check(Method method, const std::string& path, const nlohmann::json& body) const;

 private:
  struct Entry {
    nlohmann::json root;    // the body schema plus the document's components
    bool optional = false;  // requestBody.required is not true
    std::unique_ptr<valijson::Schema> schema;
    // The rules in `root` (allOf members with an x-error), compiled alone.
    std::map<const nlohmann::json*, std::unique_ptr<valijson::Schema>> rules;
  };
  // The first rule of `schema` (a place in entry.root) that `value` breaks.
  const nlohmann::json* broken_rule(const Entry& entry, const nlohmann::json* schema,
                                    const nlohmann::json& value) const;

  std::map<std::pair<Method, std::string>, Entry> entries_;
};

// The body schemas of docs/openapi.yaml (openapi.h), compiled once.
// Thread-safe.
const BodySchemas& published_body_schemas();

// The schemas of `openapi` rewritten for a JSON Schema validator: OpenAPI
// 3.0's "nullable: true" becomes a type that also admits null.
nlohmann::json json_schema_of(const nlohmann::json& openapi_schema);

}  // namespace automat::api
