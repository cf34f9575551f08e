#pragma once
// Request bodies checked against the JSON Schemas of docs/openapi.yaml (with
// valijson), so what the API publishes and what it accepts are one thing. A
// violation is a 400 whose message names the field ("instance.volume.size
// must be an integer") and never repeats the client's value.
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
  };
  std::map<std::pair<Method, std::string>, Entry> entries_;
};

// The body schemas of docs/openapi.yaml (openapi.h), compiled once.
// Thread-safe.
const BodySchemas& published_body_schemas();

// The schemas of `openapi` rewritten for a JSON Schema validator: OpenAPI
// 3.0's "nullable: true" becomes a type that also admits null.
nlohmann::json json_schema_of(const nlohmann::json& openapi_schema);

}  // namespace automat::api
