// /v1/tenants/{tenant}: the tenant record (own tenant; any tenant for a super_admin who names it).
#include "api/routes.hpp"
#include "db/statements.hpp"
#include "db/tenant_tx.hpp"
#include "http/problem.hpp"
#include "util/json.hpp"

namespace tenantd::api {

namespace {

Response get_tenant(RequestContext& ctx) {
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  auto r = tx.exec_prepared("tenants_get", tx.tenant_id());
  tx.commit();
  if (r.empty()) throw ApiError(404, "tenant_not_found", "no such tenant");
  const auto& row = r[0];
  auto opt = [&](int i) { return row[i].is_null() ? nullptr : row[i].c_str(); };
  util::JsonOut j;
  j.begin_object()
      .str("id", row[0].c_str())
      .str("slug", row[1].c_str())
      .str("name", row[2].c_str())
      .str_or_null("description", opt(3))
      .str("status", row[4].c_str())
      .str("plan", row[5].c_str())
      .str_or_null("external_id", opt(6))
      .raw("metadata", row[7].c_str())
      .str("created_at", row[8].c_str())
      .str("updated_at", row[9].c_str())
      .str_or_null("activated_at", opt(10))
      .str_or_null("suspended_at", opt(11))
      .end_object();
  return {200, j.take()};
}

}  // namespace

void register_tenants(Router& r) {
  using db::ts;
  db::add_statements({
      {"tenants_get",
       "select id, slug, name, description, status, plan, external_id, metadata::text, " + ts("created_at") + ", " +
           ts("updated_at") + ", " + ts("activated_at") + ", " + ts("suspended_at") +
           " from tenantd.tenants where id = $1::uuid"},
  });
  r.add("GET", "/v1/tenants/{tenant}", Scope::kTenant, get_tenant);
}

}  // namespace tenantd::api
