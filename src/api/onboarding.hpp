#pragma once
#include "http/request_context.hpp"

namespace tenantd::api {

// Registers the named SQL statements its handlers still use.
void add_onboarding_statements();

namespace onboarding {
Response get_onboarding(RequestContext& ctx);
Response complete_step(RequestContext& ctx);
}  // namespace onboarding

}  // namespace tenantd::api
