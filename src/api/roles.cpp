// /v1/roles: tenant-defined roles and their permissions.
#include "api/routes.hpp"

namespace tenantd::api {

void register_roles(Router&) {}

}  // namespace tenantd::api
