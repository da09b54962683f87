-- tenantd.has_permission(permission): may the acting principal do this in the current tenant?
-- The one SQL rule the API and psql share: write policies call it as
-- `(select tenantd.has_permission('members:write'))` (an initPlan, once per statement), and
-- procedures call it before acting.
--   super_admin (tenantd.is_super_admin: app.role backed by a registered operator)
--                                     true, tenant context or not
--   no tenant context or no role      false (fail closed)
--   a built-in role                   tenantd.builtin_role_permissions(role)
--   a tenant-defined role             its rows in tenantd.role_permissions for the current tenant
-- app.role is the caller's effective role, set by tenantd.enter_context from the membership
-- (a token's role claim can only narrow it).
--
-- plpgsql rather than sql: the tenant-defined branch is only planned when reached, and the
-- lookup goes through the caller's own policies (roles and role_permissions are readable by
-- the tenant's members), so no SECURITY DEFINER is needed: a caller without tenant context
-- reads nothing there and gets false.
create or replace function tenantd.has_permission(p_permission text) returns boolean
language plpgsql stable parallel safe
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_role text := tenantd.current_role_name();
  v_tenant uuid := tenantd.current_tenant_id();
  v_builtin text[];
begin
  if v_role = 'super_admin' then
    -- a bare app.role = 'super_admin' (set_config by hand) is not enough: see is_super_admin
    return tenantd.is_super_admin();
  end if;
  if v_tenant is null or v_role is null or p_permission is null then
    return false;
  end if;
  v_builtin := tenantd.builtin_role_permissions(v_role);
  if v_builtin is not null then
    return p_permission = any (v_builtin);
  end if;
  return exists (
    select 1
      from tenantd.roles r
      join tenantd.role_permissions rp on rp.tenant_id = r.tenant_id and rp.role_id = r.id
     where r.tenant_id = v_tenant
       and r.name = v_role
       and rp.permission = p_permission);
end
$$;

revoke all on function tenantd.has_permission(text) from public;
grant execute on function tenantd.has_permission(text) to tenantd_app, tenantd_readonly;
