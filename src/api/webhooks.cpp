// Stub: filled in by the sign-up / webhooks work (issue 5).
#include "api/routes.hpp"

namespace tenantd::api {

void register_webhooks(Router&) {}

}  // namespace tenantd::api
