-- tenantd.purge_tenant_checked(): the tenant named by the setting tenantd.purge_tenant, when the
-- session is the worker's or an owner member's (an app-role session that sets the name gets
-- NULL, so a definer function it calls never sees the purge policies open) and the tenant has
-- an unfinished purge (a tombstone without purged_at: requested by an operator or the grace
-- sweep). Only reached while the setting is non-empty (tenantd.purge_tenant_id()). On Citus,
-- tenant_tombstones is a reference table (docs/data-lifecycle.md).
create or replace function tenantd.purge_tenant_checked() returns uuid
language sql stable
as $$
  select s.id
    from tenantd.tenant_tombstones s
   where s.id = tenantd.parse_uuid(pg_catalog.current_setting('tenantd.purge_tenant', true))
     and s.purged_at is null
     and (pg_catalog.pg_has_role(session_user, 'tenantd_worker', 'member')
          or pg_catalog.pg_has_role(session_user, 'tenantd_owner', 'member'))
$$;

revoke all on function tenantd.purge_tenant_checked() from public;
