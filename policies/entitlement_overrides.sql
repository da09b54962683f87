-- tenantd.entitlement_overrides: a tenant's plan overrides. Every member of the tenant reads its
-- own row (GET /v1/entitlements shows the effective entitlements, which include it); only a
-- registered platform operator acting in the tenant writes it: a tenant admin cannot raise
-- their own limits or switch on features their plan lacks (tenantd.is_super_admin checks the
-- operator registry, so a forged app.role alone does not pass).
alter table tenantd.entitlement_overrides enable row level security;
alter table tenantd.entitlement_overrides force row level security;

revoke all on table tenantd.entitlement_overrides from public, tenantd_app, tenantd_readonly;
grant select, insert, update, delete on table tenantd.entitlement_overrides to tenantd_app;
grant select on table tenantd.entitlement_overrides to tenantd_readonly;

call tenantd.drop_policies('tenantd.entitlement_overrides');

create policy select_own_tenant on tenantd.entitlement_overrides for select
  using (tenant_id = tenantd.current_tenant_id());

create policy insert_own_tenant_as_super_admin on tenantd.entitlement_overrides for insert
  with check (tenant_id = tenantd.current_tenant_id() and tenantd.is_super_admin());

create policy update_own_tenant_as_super_admin on tenantd.entitlement_overrides for update
  using (tenant_id = tenantd.current_tenant_id() and tenantd.is_super_admin())
  with check (tenant_id = tenantd.current_tenant_id() and tenantd.is_super_admin());

create policy delete_own_tenant_as_super_admin on tenantd.entitlement_overrides for delete
  using (tenant_id = tenantd.current_tenant_id() and tenantd.is_super_admin());
