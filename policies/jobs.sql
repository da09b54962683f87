-- tenantd.jobs: the work queue. Global (see 0023_jobs.sql and tenantd.global_tables()): no RLS;
-- only the owner touches it, through the SECURITY DEFINER functions sql/90–96. The readonly role
-- may look (operators); the app role may not.
revoke all on tenantd.jobs from public, tenantd_app;
grant select on tenantd.jobs to tenantd_readonly;
