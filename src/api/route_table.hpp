#pragma once
#include "http/router.hpp"

namespace tenantd::api {

// The route table (api/route_table.cpp): every route of the service, once, with its scope,
// options (rate limit, permission, allow_inactive, Idempotency-Key) and the api.* function it
// calls, or the handler that answers by itself.
void register_all(Router& r);

}  // namespace tenantd::api
