#pragma once
#include <vector>

#include "http/request_context.hpp"

namespace tenantd::api::onboarding {

// Argument builders for the /v1/onboarding routes (api/route_table.cpp names the functions).
std::vector<db::Arg> get(RequestContext& ctx);
std::vector<db::Arg> complete_step(RequestContext& ctx);

}  // namespace tenantd::api::onboarding
