-- tenantd.plans: global reference data (listed in 00_global_tables.sql), so no row-level
-- security. Everyone reads it; only the owner (migrations) writes it.
revoke all on table tenantd.plans from public, tenantd_app, tenantd_readonly;
grant select on table tenantd.plans to tenantd_app, tenantd_readonly;
