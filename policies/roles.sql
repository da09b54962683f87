-- tenantd.roles: tenant-owned. Every member of the tenant reads its roles; writing needs the
-- roles:write permission (tenantd.has_permission), so a DBA in psql with a member's context is
-- refused just like the API. Built-in roles (tenant_admin, member, read_only) are seeded by
-- tg_tenants__seed_roles and are never inserted, changed or deleted through these policies.
-- No super-admin bypass of the tenant test: a super admin acts in a tenant by naming it.
alter table tenantd.roles enable row level security;
alter table tenantd.roles force row level security;

revoke all on table tenantd.roles from public, tenantd_app, tenantd_readonly;
grant select, insert, update, delete on table tenantd.roles to tenantd_app;
grant select on table tenantd.roles to tenantd_readonly;

call tenantd.drop_policies('tenantd.roles');

create policy select_own_tenant on tenantd.roles for select
  using (tenant_id = tenantd.current_tenant_id());

create policy insert_own_tenant on tenantd.roles for insert
  with check (tenant_id = tenantd.current_tenant_id()
              and tenantd.has_permission('roles:write')
              and not built_in);

-- WITH CHECK as well: a row must not be moved into another tenant or turned into a built-in
create policy update_own_tenant on tenantd.roles for update
  using (tenant_id = tenantd.current_tenant_id()
         and tenantd.has_permission('roles:write')
         and not built_in)
  with check (tenant_id = tenantd.current_tenant_id()
              and tenantd.has_permission('roles:write')
              and not built_in);

create policy delete_own_tenant on tenantd.roles for delete
  using (tenant_id = tenantd.current_tenant_id()
         and tenantd.has_permission('roles:write')
         and not built_in);

-- tg_tenants__seed_roles (SECURITY DEFINER, runs as the owner) inserts the built-ins of a new
-- tenant, which has no context yet. tenantd_owner and its members only, built-ins only.
create policy insert_builtin_as_owner on tenantd.roles for insert to tenantd_owner
  with check (built_in);
