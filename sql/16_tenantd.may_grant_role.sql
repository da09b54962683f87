-- tenantd.may_grant_role(role): may the acting principal give a membership this role, or change
-- a membership that has it? Only when the caller holds every permission the role holds, so
-- members:write alone never lets a tenant-defined role turn someone (itself included) into a
-- tenant_admin, or demote or remove one. False for a role the tenant does not have.
create or replace function tenantd.may_grant_role(p_role text) returns boolean
language plpgsql stable
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_perms text[];
  v_perm text;
begin
  if tenantd.is_super_admin() then
    return true;
  end if;
  v_perms := tenantd.permissions_of_role(p_role);
  if v_perms is null then
    return false;
  end if;
  foreach v_perm in array v_perms loop
    if not tenantd.has_permission(v_perm) then
      return false;
    end if;
  end loop;
  return true;
end
$$;

revoke all on function tenantd.may_grant_role(text) from public;
grant execute on function tenantd.may_grant_role(text) to tenantd_app, tenantd_readonly;
