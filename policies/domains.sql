-- tenantd.domains: tenant-owned custom domains. Members with config:read see their tenant's
-- domains; claiming, re-claiming, asking for a check and deleting need tenant:write (a custom
-- domain changes where the tenant is served, like the tenant's own settings).
-- The app role can never make a claim verified: every row it inserts or updates must be pending
-- with no verified_at (WITH CHECK). Only the verification job (tenantd.record_domain_check, a
-- definer function the app role cannot call) moves a claim to verified, failed, expired or
-- unverified.
alter table tenantd.domains enable row level security;
alter table tenantd.domains force row level security;

revoke all on table tenantd.domains from public, tenantd_app, tenantd_readonly;
grant select, delete on table tenantd.domains to tenantd_app;
grant select on table tenantd.domains to tenantd_readonly;
-- INSERT names every column: Citus computes the defaults on the coordinator and names every
-- column in the shard's INSERT, where the privileges are checked again. The insert policy admits
-- a claim only as it starts (pending, never checked, no failures).
grant insert (tenant_id, id, hostname, token, cname_target, expires_at, created_by, status, attempts,
              recheck_failures, last_checked_at, last_error, verified_at, check_generation, created_at,
              updated_at)
  on table tenantd.domains to tenantd_app;
-- a re-claim starts over (new token, counters reset); "verify now" starts a new check chain
grant update (token, cname_target, status, attempts, recheck_failures, last_checked_at, last_error,
              verified_at, expires_at, check_generation, updated_at)
  on table tenantd.domains to tenantd_app;

call tenantd.drop_policies('tenantd.domains');

create policy select_own_tenant on tenantd.domains for select
  using (tenant_id = tenantd.current_tenant_id()
         and tenantd.has_permission('config:read'));

create policy insert_own_tenant on tenantd.domains for insert
  with check (tenant_id = tenantd.current_tenant_id()
              and tenantd.has_permission('tenant:write')
              and status = 'pending' and verified_at is null and attempts = 0
              and recheck_failures = 0 and last_checked_at is null and last_error is null);

-- WITH CHECK as well: a row must not be moved into another tenant, nor be made verified
create policy update_own_tenant on tenantd.domains for update
  using (tenant_id = tenantd.current_tenant_id()
         and tenantd.has_permission('tenant:write'))
  with check (tenant_id = tenantd.current_tenant_id()
              and tenantd.has_permission('tenant:write')
              and status = 'pending' and verified_at is null and attempts = 0
              and recheck_failures = 0 and last_checked_at is null and last_error is null);

create policy delete_own_tenant on tenantd.domains for delete
  using (tenant_id = tenantd.current_tenant_id()
         and tenantd.has_permission('tenant:write'));

-- Host routing (tenantd.enter), the on-demand TLS ask (tenantd.tenant_of_domain) and the
-- verification job read a hostname's claims across tenants before any context exists; the job
-- records its outcome on a claim and fails the other tenants' pending claims of a hostname it
-- verified. tenantd_owner and its members only.
create policy select_as_owner on tenantd.domains for select to tenantd_owner
  using (true);

create policy update_as_owner on tenantd.domains for update to tenantd_owner
  using (true);
