// GET /openapi.json: the API description, kept as docs/openapi.yaml and built into the binary.
#include "api/openapi.hpp"

namespace tenantd::api::openapi {

Response document(RequestContext&) {
  Response res{200, std::string(kOpenApiJson)};
  res.content_type = "application/json";
  res.headers["Cache-Control"] = "public, max-age=300";
  return res;
}

}  // namespace tenantd::api::openapi
