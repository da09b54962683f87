-- api.suspend_tenant(ctx, reason): POST /v1/tenants/{tenant}/suspend (super admins): the
-- lifecycle move to suspended, with the reason the handler required
-- (tenantd.transition_tenant: the state table, the audit row). Answers 200 with the tenant.
-- Errors: TD403 not a super admin; TDC07 invalid_transition; TD422 reason missing or too long.
create or replace function api.suspend_tenant(ctx jsonb, p_reason text) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.enter(ctx);
begin
  if p_reason is null or btrim(p_reason) = '' then
    raise exception using errcode = 'TD422', message = 'reason must not be empty';
  end if;
  return tenantd.reply(200, tenantd.tenant_json(tenantd.transition_tenant(v_tenant, 'suspended', p_reason)));
end
$$;

revoke all on function api.suspend_tenant(jsonb, text) from public;
grant execute on function api.suspend_tenant(jsonb, text) to tenantd_app;
