-- tenantd.onboarding_steps: tenant-owned. Every member of the tenant reads its steps; marking a
-- step done needs tenant:write (tenantd.has_permission). Steps are created by
-- tg_tenants__seed_onboarding and never by the API, so the app role may insert only with
-- tenant:write (an admin adding a custom step in psql) and delete the same way.
-- No super-admin bypass of the tenant test: a super admin acts in a tenant by naming it.
alter table tenantd.onboarding_steps enable row level security;
alter table tenantd.onboarding_steps force row level security;

revoke all on table tenantd.onboarding_steps from public, tenantd_app, tenantd_readonly;
grant select, insert, update, delete on table tenantd.onboarding_steps to tenantd_app;
grant select on table tenantd.onboarding_steps to tenantd_readonly;

call tenantd.drop_policies('tenantd.onboarding_steps');

create policy select_own_tenant on tenantd.onboarding_steps for select
  using (tenant_id = tenantd.current_tenant_id());

create policy insert_own_tenant_with_tenant_write on tenantd.onboarding_steps for insert
  with check (tenant_id = tenantd.current_tenant_id()
              and tenantd.has_permission('tenant:write'));

-- WITH CHECK as well: a row must not be moved into another tenant
create policy update_own_tenant_with_tenant_write on tenantd.onboarding_steps for update
  using (tenant_id = tenantd.current_tenant_id()
         and tenantd.has_permission('tenant:write'))
  with check (tenant_id = tenantd.current_tenant_id()
              and tenantd.has_permission('tenant:write'));

create policy delete_own_tenant_with_tenant_write on tenantd.onboarding_steps for delete
  using (tenant_id = tenantd.current_tenant_id()
         and tenantd.has_permission('tenant:write'));

-- tg_tenants__seed_onboarding (SECURITY DEFINER, runs as the owner) inserts the default steps of
-- a new tenant, which has no context yet. tenantd_owner and its members only, and only steps
-- not yet completed.
create policy insert_seeded_as_owner on tenantd.onboarding_steps for insert to tenantd_owner
  with check (completed_at is null and completed_by is null);
