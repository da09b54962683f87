-- tenantd.allowed_origins: tenant-owned. Members with config:read see their tenant's allowed
-- origins; replacing the list needs tenant:write (an allowed origin decides which web pages may
-- call the API with the tenant's tokens, like a custom domain decides where it is served).
-- A writer also reads what it replaces. Rows are never updated: PUT /v1/allowed-origins deletes
-- and inserts (api.put_allowed_origins).
alter table tenantd.allowed_origins enable row level security;
alter table tenantd.allowed_origins force row level security;

revoke all on table tenantd.allowed_origins from public, tenantd_app, tenantd_readonly;
grant select, delete on table tenantd.allowed_origins to tenantd_app;
-- created_at too: Citus names every column in a shard's INSERT (defaults computed on the
-- coordinator), where the column privileges are checked again; the date decides nothing
grant insert (tenant_id, origin, created_by, created_at) on table tenantd.allowed_origins to tenantd_app;
grant select on table tenantd.allowed_origins to tenantd_readonly;

call tenantd.drop_policies('tenantd.allowed_origins');

create policy select_own_tenant on tenantd.allowed_origins for select
  using (tenant_id = tenantd.current_tenant_id()
         and (tenantd.has_permission('config:read') or tenantd.has_permission('tenant:write')));

create policy insert_own_tenant on tenantd.allowed_origins for insert
  with check (tenant_id = tenantd.current_tenant_id()
              and tenantd.has_permission('tenant:write'));

-- no update policy needed by the API; one that admits nothing keeps the audit's "every command
-- has a policy" true and says so
create policy update_denied on tenantd.allowed_origins for update
  using (false) with check (false);

create policy delete_own_tenant on tenantd.allowed_origins for delete
  using (tenant_id = tenantd.current_tenant_id()
         and tenantd.has_permission('tenant:write'));

-- the CORS lookup (tenantd.allowed_origin) runs before any context exists: tenantd_owner and
-- its members only
create policy select_as_owner on tenantd.allowed_origins for select to tenantd_owner
  using (true);
