-- tenantd.has_permission(permission): may the acting principal do this in the current tenant?
-- The one SQL rule the API and psql share: policies call it as
-- `tenant_id = tenantd.current_tenant_id() and tenantd.has_permission('members:write')`, and
-- procedures call it before acting.
--
-- It reads only app.permissions, the transaction-local list (',perm1,perm2,') that the function
-- setting the context computed once from the membership with tenantd.context_permissions:
--   super_admin (set only after the operator registry was checked)   every permission
--   no context, no role, app.permissions unset or empty               false (fail closed)
--   a built-in or tenant-defined role                                 what context_permissions gave
-- A forged app.role = 'super_admin' without app.permissions grants nothing. A session that can
-- write app.permissions can also write app.tenant_id and app.role; what the app role can reach
-- that way is tests/sql/81-compromised-app-role-context.sql's subject.
--
-- An inlinable SQL function (language sql, stable, one expression, no SET clause, security
-- invoker, not strict): the planner replaces the call by the strpos expression, which has no
-- column reference, so in a policy it is evaluated once per scan rather than once per row, with
-- no (select …) wrapper and no table access. A name containing a comma is never a permission.
create or replace function tenantd.has_permission(p_permission text) returns boolean
language sql stable parallel safe
as $$
  select coalesce(pg_catalog.strpos(pg_catalog.current_setting('app.permissions', true),
                                    ',' || p_permission || ',') > 0
                  and pg_catalog.strpos(p_permission, ',') = 0,
                  false)
$$;

revoke all on function tenantd.has_permission(text) from public;
grant execute on function tenantd.has_permission(text) to tenantd_app, tenantd_readonly;
