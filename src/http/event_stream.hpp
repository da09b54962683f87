#pragma once
#include <string>
#include <vector>

#include "db/api_call.hpp"
#include "http/request_context.hpp"
#include "http/router.hpp"

namespace tenantd {

// Opens a Server-Sent Events stream for a route declared with event_stream(): subscribes to the
// hub first, then makes the route's one api.* call (the opening: replay after Last-Event-ID,
// and for a status stream the current status), so no event falls between the two; the
// answer carries the subscription for the HTTP adapter to attach.
Response open_event_stream(RequestContext& ctx, const Route& route, const std::vector<db::Arg>& args);

// The Last-Event-ID header as the replay's lower bound: NULL when absent; digits only, else 400.
db::Arg last_event_id(const RequestContext& ctx);

}  // namespace tenantd
