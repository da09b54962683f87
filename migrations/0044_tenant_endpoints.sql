-- The tenants, tenant-status, admin-jobs and me routes moved onto the one-statement pipe: each
-- is an endpoint function api.<operation>(ctx, …) returning tenantd.reply (sql/42_*, 61_*,
-- 85_api.*, 96_api.*). The logic-heavy procedures behind them became tenantd.create_tenant,
-- tenantd.update_tenant, tenantd.tenant_status and tenantd.reprovision_tenant. An api.* name has
-- one signature (the dispatcher's calls leave parameter types to PostgreSQL), so the old api
-- signatures go before sql/ defines the new ones.
drop function if exists api.create_tenant(text, text, text, text, jsonb);
drop function if exists api.update_tenant(uuid, jsonb);
drop function if exists api.tenant_status(uuid);
drop function if exists api.reprovision_tenant(uuid);
