-- tenantd.context_permissions(role): the permissions the role holds in the current tenant
-- (app.tenant_id), as the string the context keeps in app.permissions: ',perm1,perm2,' (with a
-- leading and a trailing comma so tenantd.has_permission finds ',perm,' with strpos and one name
-- can never match inside another), or '' for none. The order carries no meaning: catalogue order
-- for super_admin and the built-in roles, name order for a tenant-defined role.
--   super_admin          the whole tenantd.permission_catalogue(), tenant context or not (the
--                        caller has checked the operator registry before it sets this role)
--   no tenant, no role   '' (fail closed)
--   a built-in role      tenantd.builtin_role_permissions(role)
--   a tenant-defined one its rows in tenantd.role_permissions for the current tenant
-- Computed ONCE per request by the function that sets the context (tenantd.enter_context, and
-- the definer procedures that set app.role themselves); the policies then read the result
-- through tenantd.has_permission instead of looking into roles and role_permissions per
-- statement (a policy with a subquery is refused by Citus on distributed tables).
-- Security invoker: the tenant-defined branch reads roles and role_permissions with the
-- caller's rights, i.e. only the current tenant's rows (every member may read them).
-- plpgsql, not sql: a SQL function with a FROM clause is never inlined, and a SQL function that
-- is not inlined is parsed and planned again on every call (once per request here); plpgsql
-- keeps the plan for the session. Branches, not one query: the only query is the one for a
-- tenant-defined role. As one query over unnest(case …) the role was a parameter the planner
-- could fold, so plancache kept choosing a custom plan and planned it on EVERY call: 0.20 ms of
-- backend CPU per request, half of tenantd.enter (measured with a loop of 5,000 calls, CPU time
-- read from /proc). The built-in branches are plpgsql simple expressions: about 5 µs.
create or replace function tenantd.context_permissions(p_role text) returns text
language plpgsql stable parallel safe
as $$
declare
  v_permissions text[];
begin
  if p_role = 'super_admin' then
    v_permissions := tenantd.permission_catalogue();
  elsif coalesce(p_role, '') = '' or tenantd.current_tenant_id() is null then
    return '';
  else
    v_permissions := tenantd.builtin_role_permissions(p_role);
    if v_permissions is null then
      v_permissions := array(select distinct rp.permission
                               from tenantd.roles r
                               join tenantd.role_permissions rp
                                 on rp.tenant_id = r.tenant_id and rp.role_id = r.id
                              where r.tenant_id = tenantd.current_tenant_id()
                                and r.name = p_role
                              order by rp.permission);
    end if;
  end if;
  if cardinality(v_permissions) = 0 then
    return '';
  end if;
  return ',' || array_to_string(v_permissions, ',') || ',';
end
$$;

revoke all on function tenantd.context_permissions(text) from public;
grant execute on function tenantd.context_permissions(text) to tenantd_app, tenantd_readonly;
