// /v1/invitations: invite, list, revoke, accept.
#include "api/routes.hpp"

namespace tenantd::api {

void register_invitations(Router&) {}

}  // namespace tenantd::api
