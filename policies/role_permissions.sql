-- tenantd.role_permissions: the permissions of tenant-defined roles (built-ins have none as
-- rows: tenantd.builtin_role_permissions). Read by every member of the tenant
-- (tenantd.context_permissions reads it with the caller's rights); written only with
-- roles:write, and never for a built-in: that rule needs the role's row, so it is the trigger
-- tg_role_permissions__not_built_in rather than a policy (policies look into no other table).
alter table tenantd.role_permissions enable row level security;
alter table tenantd.role_permissions force row level security;

revoke all on table tenantd.role_permissions from public, tenantd_app, tenantd_readonly;
grant select, insert, update, delete on table tenantd.role_permissions to tenantd_app;
grant select on table tenantd.role_permissions to tenantd_readonly;

call tenantd.drop_policies('tenantd.role_permissions');

create policy select_own_tenant on tenantd.role_permissions for select
  using (tenant_id = tenantd.current_tenant_id());

create policy insert_own_tenant on tenantd.role_permissions for insert
  with check (tenant_id = tenantd.current_tenant_id()
              and tenantd.has_permission('roles:write'));

create policy update_own_tenant on tenantd.role_permissions for update
  using (tenant_id = tenantd.current_tenant_id()
         and tenantd.has_permission('roles:write'))
  with check (tenant_id = tenantd.current_tenant_id()
              and tenantd.has_permission('roles:write'));

create policy delete_own_tenant on tenantd.role_permissions for delete
  using (tenant_id = tenantd.current_tenant_id()
         and tenantd.has_permission('roles:write'));
