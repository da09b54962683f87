// /v1/onboarding: ordered onboarding steps. Completion, idempotence, the automatic tenant
// activation and the answers are SQL (api.get_onboarding, api.complete_onboarding_step).
#include "api/onboarding.hpp"

#include "util/config.hpp"

namespace tenantd::api::onboarding {

// api.get_onboarding(ctx)
std::vector<db::Arg> get(RequestContext&) {
  return {};
}

// api.complete_onboarding_step(ctx, key, auto_activate)
std::vector<db::Arg> complete_step(RequestContext& ctx) {
  // The setting decides whether completing the last required step activates the tenant; the
  // function does the rest in the same statement.
  return {*ctx.param("key"), ctx.svc.config.onboarding_auto_activate ? "true" : "false"};
}

}  // namespace tenantd::api::onboarding
