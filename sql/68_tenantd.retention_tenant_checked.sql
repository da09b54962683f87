-- tenantd.retention_tenant_checked(): the tenant named by the setting tenantd.retention_tenant,
-- when the session is the worker's or an owner member's; NULL otherwise. An app-role session
-- that writes the setting and then calls some definer function gets NULL, so the retention
-- policies never open for it. Only reached while the setting is non-empty
-- (tenantd.retention_tenant_id()).
create or replace function tenantd.retention_tenant_checked() returns uuid
language sql stable
as $$
  select case when pg_catalog.pg_has_role(session_user, 'tenantd_worker', 'member')
                or pg_catalog.pg_has_role(session_user, 'tenantd_owner', 'member')
              then tenantd.parse_uuid(pg_catalog.current_setting('tenantd.retention_tenant', true)) end
$$;

revoke all on function tenantd.retention_tenant_checked() from public;
