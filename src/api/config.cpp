// /v1/config: per-tenant configuration and feature flags.
#include "api/routes.hpp"

namespace tenantd::api {

void register_config(Router&) {}

}  // namespace tenantd::api
