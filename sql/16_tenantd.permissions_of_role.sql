-- tenantd.permissions_of_role(role): the permissions a role of the current tenant holds, sorted;
-- NULL when the tenant has no such role (or there is no tenant context). Built-ins from
-- tenantd.builtin_role_permissions, tenant-defined roles from tenantd.role_permissions (read with
-- the caller's rights: members of the tenant read its roles).
-- plpgsql, not sql: a SQL function with a FROM clause is never inlined and would be planned
-- again on every call (once per row of GET /v1/roles); plpgsql keeps the plan for the session.
create or replace function tenantd.permissions_of_role(p_role text) returns text[]
language plpgsql stable parallel safe
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.current_tenant_id();  -- a parameter: Citus routes to one shard
begin
  return (
  select case when r.built_in then tenantd.builtin_role_permissions(r.name)
              else coalesce((select array_agg(rp.permission order by rp.permission)
                               from tenantd.role_permissions rp
                              where rp.tenant_id = r.tenant_id and rp.role_id = r.id
                                and rp.tenant_id = v_tenant),
                            '{}'::text[])
         end
    from tenantd.roles r
   where r.tenant_id = tenantd.current_tenant_id() and r.name = p_role
     and r.tenant_id = v_tenant);
end
$$;

revoke all on function tenantd.permissions_of_role(text) from public;
grant execute on function tenantd.permissions_of_role(text) to tenantd_app, tenantd_readonly;
