// /v1/auth: login, refresh, logout.
#include "api/routes.hpp"

namespace tenantd::api {

void register_auth(Router&) {}

}  // namespace tenantd::api
