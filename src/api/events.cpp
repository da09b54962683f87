// Live events as Server-Sent Events (docs/live-events.md): GET /v1/admin/events (registered
// operators: every tenant status, provisioning, job and domain event) and GET
// /v1/tenant-status/{id}/events (public, like GET /v1/tenant-status/{id}: that sign-up's own
// status, nothing else). The handlers validate; http/event_stream.cpp subscribes and makes the
// one call that opens the stream (replay after Last-Event-ID, and the current status).
#include "api/events.hpp"

#include "http/event_stream.hpp"
#include "http/problem.hpp"
#include "util/uuid.hpp"

namespace tenantd::api::events {

// api.admin_events(ctx, after)
std::vector<db::Arg> admin_stream(RequestContext& ctx) {
  if (!ctx.principal->is_super_admin())
    throw ApiError("forbidden", "only a super_admin may follow the platform events");
  return {last_event_id(ctx)};
}

// api.tenant_status_events(ctx, tenant, after). The id is the tenant's uuid, which only the
// sign-up's caller learned (as for GET /v1/tenant-status/{id}); a slug is not accepted.
std::vector<db::Arg> tenant_status_stream(RequestContext& ctx) {
  const std::string& id = *ctx.param("id");
  if (!util::is_uuid(id)) throw ApiError("tenant_not_found", "no such tenant");
  ctx.tenant_id = util::canonical_uuid(id);
  return {ctx.tenant_id, last_event_id(ctx)};
}

}  // namespace tenantd::api::events
