-- api.activate_tenant(ctx, reason): POST /v1/tenants/{tenant}/activate (super admins): the
-- lifecycle move to active (tenantd.transition_tenant: the state table, the audit row).
-- Answers 200 with the tenant.
-- Errors: TD403 not a super admin; TDC07 invalid_transition; TD422 reason too long.
create or replace function api.activate_tenant(ctx jsonb, p_reason text) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.enter(ctx);
begin
  return tenantd.reply(200, tenantd.tenant_json(tenantd.transition_tenant(v_tenant, 'active', p_reason)));
end
$$;

revoke all on function api.activate_tenant(jsonb, text) from public;
grant execute on function api.activate_tenant(jsonb, text) to tenantd_app;
