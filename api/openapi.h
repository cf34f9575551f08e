#pragma once
// The API's description of record, docs/openapi.yaml, embedded at build time
// (scripts/openapi_to_cc.py). The router validates request bodies against its
// schemas (body_schemas.h) and a unit test compares its paths with the
// router's routes, so the published document and the server agree.
#include <nlohmann/json.hpp>

namespace automat::api {

// The document as compact JSON text (generated).
const char* embedded_openapi_json();

// The document, parsed once. Thread-safe.
const nlohmann::json& openapi_document();

}  // namespace automat::api
