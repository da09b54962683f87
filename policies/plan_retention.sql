-- tenantd.plan_retention: global reference data like tenantd.plans (listed in
-- 00_global_tables.sql), so no row-level security. Everyone reads it (GET /v1/retention shows a
-- tenant its plan's bounds); only the owner (migrations, operators) writes it.
revoke all on table tenantd.plan_retention from public, tenantd_app, tenantd_readonly, tenantd_worker;
grant select on table tenantd.plan_retention to tenantd_app, tenantd_readonly;
