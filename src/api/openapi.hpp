#pragma once
#include <string_view>

#include "http/request_context.hpp"

namespace tenantd::api {

// docs/openapi.yaml as JSON, converted at build time (scripts/openapi_json.py).
extern const std::string_view kOpenApiJson;

namespace openapi {

// GET /openapi.json
Response document(RequestContext& ctx);

}  // namespace openapi

}  // namespace tenantd::api
