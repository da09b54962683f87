-- tenantd.is_super_admin(): true when the acting principal is a platform super admin
-- (app.role = 'super_admin'). Only the tenants and users tables honour it; tenant-owned tables
-- have no super-admin bypass: a super admin acts in a tenant by naming it (enter_context).
create or replace function tenantd.is_super_admin() returns boolean
language sql stable parallel safe
as $$ select coalesce(pg_catalog.current_setting('app.role', true) = 'super_admin', false) $$;

revoke all on function tenantd.is_super_admin() from public;
grant execute on function tenantd.is_super_admin() to tenantd_app, tenantd_readonly;
