// GET /v1/me: who the caller is, and in which tenant; `role` is the effective role (the
// membership's current one, narrowed by the token's claim), not the claim.
#include "api/me.hpp"
#include "db/statements.hpp"
#include "db/tenant_tx.hpp"
#include "util/json.hpp"

namespace tenantd::api {

namespace {

}  // namespace

namespace me {

Response get_me(RequestContext& ctx) {
  db::TenantTx tx(ctx.svc.pool, ctx.tenant_ctx);
  ctx.tenant_id = tx.tenant_id();
  const Principal& p = *ctx.principal;
  util::JsonOut j;
  j.begin_object().str("sub", p.sub).str("role", tx.role());
  if (tx.tenant_id().empty()) {
    j.null("tenant_id");
  } else {
    j.str("tenant_id", tx.tenant_id());
  }
  j.key("user");
  if (p.user_id.empty()) {
    j.writer().Null();
  } else {
    auto r = tx.exec_prepared("me_get", p.user_id);
    if (r.empty()) {
      j.writer().Null();
    } else {
      const auto& row = r[0];
      j.begin_object()
          .str("id", row[0].c_str())
          .str("email", row[1].c_str())
          .str_or_null("display_name", row[2].is_null() ? nullptr : row[2].c_str())
          .str_or_null("membership_role", row[3].is_null() ? nullptr : row[3].c_str())
          .end_object();
    }
  }
  j.end_object();
  tx.commit();
  return {200, j.take()};
}

}  // namespace me

void add_me_statements() {
  db::add_statements({
      {"me_get",
       // the profile of the membership in the tenant the request acts in (row-level security
       // limits memberships to it), never one set in another tenant
       "select u.id, u.email, m.display_name, m.role from tenantd.users u "
       "left join tenantd.memberships m on m.user_id = u.id where u.id = $1::uuid"},
  });
}


}  // namespace tenantd::api
