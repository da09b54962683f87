-- tenantd.api_keys: tenant-owned. Managing keys (make, list, read, revoke, rotate) needs
-- api_keys:manage in the tenant the transaction acts in. Keys are history: revoked, never
-- deleted (delete_denied), so the audit log's key ids keep naming something.
alter table tenantd.api_keys enable row level security;
alter table tenantd.api_keys force row level security;

-- Column grants: the app role never reads key_hash (only tenantd.enter, running as the owner,
-- compares it) and never writes last_used_at (the usage flush does, as the owner); of an
-- existing key it may change only what revoking and rotating change.
revoke all on table tenantd.api_keys from public, tenantd_app, tenantd_readonly;
grant select (tenant_id, id, name, prefix, permissions, created_by, created_at, expires_at,
              revoked_at, revoked_by, replaced_by, last_used_at)
  on table tenantd.api_keys to tenantd_app, tenantd_readonly;
-- INSERT names the other columns too because Citus names every column in a shard's INSERT
-- (defaults computed on the coordinator), where the column privileges are checked again; the
-- insert policy admits a new key only unrevoked, unreplaced and unused. created_at is the
-- caller's to give (the column default): it decides nothing (expiry is expires_at).
grant insert (tenant_id, id, name, prefix, key_hash, permissions, created_by, expires_at, created_at,
              revoked_at, revoked_by, replaced_by, last_used_at)
  on table tenantd.api_keys to tenantd_app;
grant update (expires_at, revoked_at, revoked_by, replaced_by)
  on table tenantd.api_keys to tenantd_app;

call tenantd.drop_policies('tenantd.api_keys');

create policy select_own_tenant on tenantd.api_keys for select
  using (tenant_id = tenantd.current_tenant_id()
         and tenantd.has_permission('api_keys:manage'));

-- a new key names its creator truthfully (the member acting now), and is not yet revoked,
-- replaced or used
create policy insert_own_tenant on tenantd.api_keys for insert
  with check (tenant_id = tenantd.current_tenant_id()
              and tenantd.has_permission('api_keys:manage')
              and created_by = tenantd.current_user_id()
              and revoked_at is null and revoked_by is null and replaced_by is null
              and last_used_at is null);

-- WITH CHECK as well: a key must not be moved into another tenant
create policy update_own_tenant on tenantd.api_keys for update
  using (tenant_id = tenantd.current_tenant_id()
         and tenantd.has_permission('api_keys:manage'))
  with check (tenant_id = tenantd.current_tenant_id()
              and tenantd.has_permission('api_keys:manage'));

create policy delete_denied on tenantd.api_keys for delete
  using (false);

-- tenantd.enter (SECURITY DEFINER, runs as the owner) finds a presented key by its hash before
-- any tenant context exists; tenantd.record_api_key_use (the usage flush, as the owner) stamps
-- last_used_at of keys of many tenants at once. tenantd_owner and its members only.
create policy select_as_owner on tenantd.api_keys for select to tenantd_owner
  using (true);

create policy update_as_owner on tenantd.api_keys for update to tenantd_owner
  using (true);
