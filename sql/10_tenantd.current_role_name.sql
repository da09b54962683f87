-- tenantd.current_role_name(): the acting principal's role in the tenant (app.role:
-- super_admin, tenant_admin, member, or a tenant-defined role), NULL when unset or empty.
-- Named *_role_name because current_role is an SQL keyword (the database role).
create or replace function tenantd.current_role_name() returns text
language sql stable parallel safe
as $$ select nullif(pg_catalog.current_setting('app.role', true), '') $$;

revoke all on function tenantd.current_role_name() from public;
grant execute on function tenantd.current_role_name() to tenantd_app, tenantd_readonly;
