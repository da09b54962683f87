-- tenantd.tenant_configs: tenant-owned. Reading needs config:read, except feature flags (type
-- 'features'), which every member of the tenant reads whatever their role; a writer (config:write)
-- also reads what it writes, which INSERT … ON CONFLICT DO UPDATE needs. Writing needs
-- config:write. Entries of type 'integrations' hold credentials (API keys, webhook secrets):
-- reading or writing them needs config:secrets (built-in tenant_admin only, by default) on top,
-- so neither config:read nor config:write alone ever reveals or replaces one. The rules are tenantd.has_permission, so a DBA in psql with a member's context
-- gets the same answers as the API. No super-admin bypass of the tenant test: a super admin acts
-- in a tenant by naming it (has_permission is true for them there).
alter table tenantd.tenant_configs enable row level security;
alter table tenantd.tenant_configs force row level security;

revoke all on table tenantd.tenant_configs from public, tenantd_app, tenantd_readonly;
grant select, insert, update, delete on table tenantd.tenant_configs to tenantd_app;
grant select on table tenantd.tenant_configs to tenantd_readonly;

call tenantd.drop_policies('tenantd.tenant_configs');

create policy select_own_tenant on tenantd.tenant_configs for select
  using (tenant_id = tenantd.current_tenant_id()
         and (type = 'features'
              or (type <> 'integrations'
                  and (tenantd.has_permission('config:read')
                       or tenantd.has_permission('config:write')))
              or (type = 'integrations'
                  and (tenantd.has_permission('config:read')
                       or tenantd.has_permission('config:write'))
                  and tenantd.has_permission('config:secrets'))));

create policy insert_own_tenant_with_config_write on tenantd.tenant_configs for insert
  with check (tenant_id = tenantd.current_tenant_id()
              and tenantd.has_permission('config:write')
              and (type <> 'integrations' or tenantd.has_permission('config:secrets')));

-- WITH CHECK as well: a row must not be moved into another tenant (or out of integrations)
create policy update_own_tenant_with_config_write on tenantd.tenant_configs for update
  using (tenant_id = tenantd.current_tenant_id()
         and tenantd.has_permission('config:write')
         and (type <> 'integrations' or tenantd.has_permission('config:secrets')))
  with check (tenant_id = tenantd.current_tenant_id()
              and tenantd.has_permission('config:write')
              and (type <> 'integrations' or tenantd.has_permission('config:secrets')));

create policy delete_own_tenant_with_config_write on tenantd.tenant_configs for delete
  using (tenant_id = tenantd.current_tenant_id()
         and tenantd.has_permission('config:write')
         and (type <> 'integrations' or tenantd.has_permission('config:secrets')));
