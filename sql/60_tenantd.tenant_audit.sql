-- tenantd.tenant_audit(tenant, action, details): one audit row about a tenant itself
-- (target_type 'tenant'), written in the caller's transaction. audit_log's insert policy takes
-- rows for the context's tenant only, and tenant lifecycle calls often run without one (POST
-- /v1/tenants has no tenant yet; a DBA in psql may have none): a super admin's row is therefore
-- written with app.tenant_id pointed at that tenant for the one insert and restored after it.
-- Anyone else may write about the tenant of their context only (TD403 otherwise), so this gives
-- nobody more than the policy does. Actor, role and request id come from the context (column
-- defaults).
create or replace function tenantd.tenant_audit(p_tenant uuid, p_action text, p_details jsonb)
returns void
language plpgsql volatile
as $$
declare
  v_prev text := coalesce(pg_catalog.current_setting('app.tenant_id', true), '');
  v_switch boolean := tenantd.current_tenant_id() is distinct from p_tenant;
begin
  if v_switch and not tenantd.is_super_admin() then
    raise exception using errcode = 'TD403',
      message = 'only a super admin may write audit rows about another tenant';
  end if;
  if v_switch then
    perform pg_catalog.set_config('app.tenant_id', p_tenant::text, true);
    perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)
  end if;
  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (p_tenant, p_action, 'tenant', p_tenant::text, coalesce(p_details, '{}'::jsonb));
  if v_switch then
    perform pg_catalog.set_config('app.tenant_id', v_prev, true);
    perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)
  end if;
end
$$;

revoke all on function tenantd.tenant_audit(uuid, text, jsonb) from public;
grant execute on function tenantd.tenant_audit(uuid, text, jsonb) to tenantd_app;
