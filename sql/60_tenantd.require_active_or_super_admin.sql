-- tenantd.require_active_or_super_admin(tenant): the routes on one tenant (/v1/tenants/{tenant}
-- …) manage suspended and deleted tenants, but only for a super admin: their route table entry
-- says inactive_ok (so tenantd.enter lets the request in) and the endpoint function calls this
-- right after it, refusing everyone else exactly as tenantd.enter would (TDF04
-- tenant_suspended, the same messages).
create or replace function tenantd.require_active_or_super_admin(p_tenant uuid) returns void
language plpgsql stable
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_state text;
begin
  if p_tenant is null or tenantd.is_super_admin() then
    return;
  end if;
  select tenantd.tenant_state(t.status, t.deleted_at) into v_state from tenantd.tenants t where t.id = p_tenant;
  if v_state in ('suspended', 'deleted') then
    raise exception using errcode = 'TDF04',
      message = case v_state when 'deleted' then 'this tenant has been deleted' else 'this tenant is suspended' end;
  end if;
end
$$;

revoke all on function tenantd.require_active_or_super_admin(uuid) from public;
grant execute on function tenantd.require_active_or_super_admin(uuid) to tenantd_app;
