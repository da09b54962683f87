-- api.update_tenant(ctx, changes): PATCH /v1/tenants/{tenant}. `changes` holds the validated
-- fields (name, description, plan, metadata); tenantd.update_tenant decides who may change
-- which (a tenant_admin: name and description of its own tenant) and writes the audit row.
-- Answers 200 with the tenant. Only a super admin reaches a suspended or deleted tenant.
create or replace function api.update_tenant(ctx jsonb, p_changes jsonb) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.enter(ctx);
begin
  perform tenantd.require_active_or_super_admin(v_tenant);
  return tenantd.reply(200, tenantd.tenant_json(tenantd.update_tenant(v_tenant, p_changes)));
end
$$;

revoke all on function api.update_tenant(jsonb, jsonb) from public;
grant execute on function api.update_tenant(jsonb, jsonb) to tenantd_app;
