-- tenantd.platform_admins: registered operators. Global (see 0035_platform_admins.sql and
-- tenantd.global_tables()): no RLS, no tenant data. The app role may neither read nor write it
-- (a compromised app role must not be able to list operator subjects or add one); it reaches it
-- only through tenantd.enter_context and tenantd.is_super_admin (SECURITY DEFINER helpers).
-- The readonly role may look (operators, audits).
revoke all on tenantd.platform_admins from public, tenantd_app;
grant select on tenantd.platform_admins to tenantd_readonly;
