-- tenantd.context_permissions(role): the permissions the role holds in the current tenant
-- (app.tenant_id), as the string the context keeps in app.permissions: ',perm1,perm2,' (sorted,
-- with a leading and a trailing comma so tenantd.has_permission finds ',perm,' with strpos and
-- one name can never match inside another), or '' for none.
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
-- keeps the plan for the session.
create or replace function tenantd.context_permissions(p_role text) returns text
language plpgsql stable parallel safe
as $$
begin
  return (
    select coalesce(',' || string_agg(p.permission, ',' order by p.permission) || ',', '')
      from unnest(case
                    when p_role = 'super_admin' then tenantd.permission_catalogue()
                    when coalesce(p_role, '') = '' or tenantd.current_tenant_id() is null
                      then '{}'::text[]
                    when tenantd.builtin_role_permissions(p_role) is not null
                      then tenantd.builtin_role_permissions(p_role)
                    else array(select distinct rp.permission
                                 from tenantd.roles r
                                 join tenantd.role_permissions rp
                                   on rp.tenant_id = r.tenant_id and rp.role_id = r.id
                                where r.tenant_id = tenantd.current_tenant_id()
                                  and r.name = p_role)
                  end) as p (permission));
end
$$;

revoke all on function tenantd.context_permissions(text) from public;
grant execute on function tenantd.context_permissions(text) to tenantd_app, tenantd_readonly;
