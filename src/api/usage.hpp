#pragma once
#include <vector>

#include "http/request_context.hpp"

namespace tenantd::api::usage {

// POST /v1/usage/events (api.record_usage_events): one event {id, metric, value, occurred_at}
// or a batch {"events": [...]}; the events' rules are SQL's (tenantd.record_usage_events).
std::vector<db::Arg> record_events(RequestContext& ctx);
// GET /v1/usage (api.get_usage): the current period per metric.
std::vector<db::Arg> current(RequestContext& ctx);
// GET /v1/usage/daily?metric=&from=&to= (api.get_usage_daily)
std::vector<db::Arg> daily(RequestContext& ctx);
// GET /v1/usage/trends?metric=&days= (api.get_usage_trends)
std::vector<db::Arg> trends(RequestContext& ctx);

}  // namespace tenantd::api::usage
