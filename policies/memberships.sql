-- tenantd.memberships: tenant-owned; every command is limited to the tenant the transaction acts in.
-- No super-admin bypass: a super admin acts in a tenant by naming it (tenantd.enter_context).
alter table tenantd.memberships enable row level security;
alter table tenantd.memberships force row level security;

revoke all on table tenantd.memberships from public, tenantd_app, tenantd_readonly;
grant select, insert, update, delete on table tenantd.memberships to tenantd_app;
grant select on table tenantd.memberships to tenantd_readonly;

call tenantd.drop_policies('tenantd.memberships');

create policy select_own_tenant on tenantd.memberships for select
  using (tenant_id = (select tenantd.current_tenant_id()));

create policy insert_own_tenant on tenantd.memberships for insert
  with check (tenant_id = (select tenantd.current_tenant_id()));

-- WITH CHECK as well: a row must not be moved into another tenant
create policy update_own_tenant on tenantd.memberships for update
  using (tenant_id = (select tenantd.current_tenant_id()))
  with check (tenant_id = (select tenantd.current_tenant_id()));

create policy delete_own_tenant on tenantd.memberships for delete
  using (tenant_id = (select tenantd.current_tenant_id()));
