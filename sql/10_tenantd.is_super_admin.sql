-- tenantd.is_super_admin(): true when the acting principal is a platform super admin. Only the
-- tenants and users tables honour it (and tenantd.has_permission); tenant-owned tables have no
-- super-admin bypass: a super admin acts in a tenant by naming it (enter_context).
--
-- app.role = 'super_admin' alone is not enough: any session can call set_config, so a
-- compromised app role could write that setting itself. The role must be backed by
--   * app.subject naming a registered operator (tenantd.platform_admins; enter_context sets it
--     only after checking the same table), or
--   * the current database role being the owner (or a member of it): the SECURITY DEFINER
--     procedures that act for the platform (sign-up, provisioning, webhooks: enter_system_context)
--     and DBAs in psql.
-- A forged app.role therefore needs a registered subject too, which the app role cannot list.
-- Removing the operator takes effect at once, even inside a transaction.
create or replace function tenantd.is_super_admin() returns boolean
language sql stable parallel safe
as $$
  select coalesce(pg_catalog.current_setting('app.role', true) = 'super_admin', false)
         and (pg_catalog.pg_has_role(current_user, 'tenantd_owner', 'member')
              or tenantd.is_platform_admin(pg_catalog.current_setting('app.subject', true)))
$$;

revoke all on function tenantd.is_super_admin() from public;
grant execute on function tenantd.is_super_admin() to tenantd_app, tenantd_readonly;
