-- tenantd.require_permission(permission, doing): the guard at the top of the api.* writers.
-- Returns the current tenant, or raises TD400 when the transaction acts in no tenant and TD403
-- ("<doing> needs the <permission> permission") when the caller's role lacks the permission.
-- One place for the rule and its wording, so psql users and the API get the same refusal.
-- Security invoker: it only reads the context and tenantd.has_permission.
create or replace function tenantd.require_permission(p_permission text, p_doing text)
returns uuid
language plpgsql stable
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.current_tenant_id();
begin
  if v_tenant is null then
    raise exception using errcode = 'TD400', message = 'no tenant context',
      hint = 'name the tenant in the path, the token or the tenant header';
  end if;
  if not tenantd.has_permission(p_permission) then
    raise exception using errcode = 'TD403',
      message = p_doing || ' needs the ' || p_permission || ' permission';
  end if;
  return v_tenant;
end
$$;

revoke all on function tenantd.require_permission(text, text) from public;
grant execute on function tenantd.require_permission(text, text) to tenantd_app;
