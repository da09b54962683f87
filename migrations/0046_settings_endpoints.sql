-- The roles, configuration, onboarding and audit-log procedures became tenantd.* (sql/40_tenantd.*_role,
-- sql/70_tenantd.*), called by endpoint functions api.*(ctx, …) that return tenantd.reply
-- (sql/41_api.*_role, sql/71_api.*). An api.* name has one signature (the dispatcher's calls
-- leave parameter types to PostgreSQL), so the old api signatures go before sql/ defines the
-- new ones.
drop function if exists api.create_role(text, text, text[]);
drop function if exists api.update_role(uuid, boolean, text, text[]);
drop function if exists api.delete_role(uuid);
drop function if exists api.list_config(text);
drop function if exists api.put_config(text, text, jsonb, boolean);
drop function if exists api.delete_config(text, text);
drop function if exists api.list_audit_log(text, uuid, text, text, text, text, text, uuid, int);
drop function if exists api.onboarding_progress();
drop function if exists api.complete_onboarding_step(text, boolean);
