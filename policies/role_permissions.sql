-- tenantd.role_permissions: the permissions of tenant-defined roles (built-ins have none as
-- rows: tenantd.builtin_role_permissions). Read by every member of the tenant (has_permission
-- reads it with the caller's rights); written only with roles:write, and never for a built-in.
alter table tenantd.role_permissions enable row level security;
alter table tenantd.role_permissions force row level security;

revoke all on table tenantd.role_permissions from public, tenantd_app, tenantd_readonly;
grant select, insert, update, delete on table tenantd.role_permissions to tenantd_app;
grant select on table tenantd.role_permissions to tenantd_readonly;

call tenantd.drop_policies('tenantd.role_permissions');

create policy select_own_tenant on tenantd.role_permissions for select
  using (tenant_id = (select tenantd.current_tenant_id()));

create policy insert_own_tenant on tenantd.role_permissions for insert
  with check (tenant_id = (select tenantd.current_tenant_id())
              and (select tenantd.has_permission('roles:write'))
              and exists (select 1
                            from tenantd.roles r
                           where r.tenant_id = role_permissions.tenant_id
                             and r.id = role_permissions.role_id
                             and not r.built_in));

create policy update_own_tenant on tenantd.role_permissions for update
  using (tenant_id = (select tenantd.current_tenant_id())
         and (select tenantd.has_permission('roles:write')))
  with check (tenant_id = (select tenantd.current_tenant_id())
              and (select tenantd.has_permission('roles:write'))
              and exists (select 1
                            from tenantd.roles r
                           where r.tenant_id = role_permissions.tenant_id
                             and r.id = role_permissions.role_id
                             and not r.built_in));

create policy delete_own_tenant on tenantd.role_permissions for delete
  using (tenant_id = (select tenantd.current_tenant_id())
         and (select tenantd.has_permission('roles:write')));
