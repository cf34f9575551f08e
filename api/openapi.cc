#include "api/openapi.h"

namespace automat::api {

const nlohmann::json& openapi_document() {
  static const nlohmann::json doc = nlohmann::json::parse(embedded_openapi_json());
  return doc;
}

}  // namespace automat::api
