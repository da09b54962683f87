-- tenantd.tenant_signups: tenant-owned hand-over from api.signup to the provisioning job (admin
-- email, password hash, invitation nonce and token hash). Only the owner's SECURITY DEFINER
-- functions touch it, and they set the tenant context transaction-locally first, so even they
-- go through the own-tenant policies below. The app role has no grants at all: a password hash
-- and an invitation hash are nobody's business through the API. No super-admin bypass.
alter table tenantd.tenant_signups enable row level security;
alter table tenantd.tenant_signups force row level security;

revoke all on table tenantd.tenant_signups from public, tenantd_app, tenantd_readonly;

call tenantd.drop_policies('tenantd.tenant_signups');

create policy select_own_tenant on tenantd.tenant_signups for select
  using (tenant_id = tenantd.current_tenant_id());
create policy insert_own_tenant on tenantd.tenant_signups for insert
  with check (tenant_id = tenantd.current_tenant_id());
-- WITH CHECK as well: a row must not be moved into another tenant
create policy update_own_tenant on tenantd.tenant_signups for update
  using (tenant_id = tenantd.current_tenant_id())
  with check (tenant_id = tenantd.current_tenant_id());
create policy delete_own_tenant on tenantd.tenant_signups for delete
  using (tenant_id = tenantd.current_tenant_id());
