// /v1/onboarding: ordered onboarding steps.
#include "api/routes.hpp"

namespace tenantd::api {

void register_onboarding(Router&) {}

}  // namespace tenantd::api
