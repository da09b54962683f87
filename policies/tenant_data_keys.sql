-- tenantd.tenant_data_keys: a tenant's wrapped data keys (0116_tenant_data_keys.sql). Only who
-- may read or write secrets (config:secrets) sees or adds its tenant's keys; nobody changes or
-- removes one through the app role (rotation and purge are the workers' and operators' work).
-- The wrapped key alone opens nothing without the KEK, but it is still no one else's business.
-- tenantd_owner members (the operator's `tenantd keys rotate-kek`) read and rewrap every
-- tenant's keys; the key rotation job's definer functions retire and shred a tenant's old keys
-- (tenantd.owner_policies()).
alter table tenantd.tenant_data_keys enable row level security;
alter table tenantd.tenant_data_keys force row level security;

revoke all on table tenantd.tenant_data_keys from public, tenantd_app, tenantd_readonly, tenantd_worker;
grant select, insert on table tenantd.tenant_data_keys to tenantd_app;

call tenantd.drop_policies('tenantd.tenant_data_keys');

create policy select_own_tenant_with_config_secrets on tenantd.tenant_data_keys for select
  using (tenant_id = tenantd.current_tenant_id() and tenantd.has_permission('config:secrets'));

create policy insert_own_tenant_with_config_secrets on tenantd.tenant_data_keys for insert
  with check (tenant_id = tenantd.current_tenant_id() and tenantd.has_permission('config:secrets'));

create policy update_denied on tenantd.tenant_data_keys for update
  using (false);

create policy delete_denied on tenantd.tenant_data_keys for delete
  using (false);

create policy select_as_owner on tenantd.tenant_data_keys for select to tenantd_owner
  using (true);

create policy update_as_owner on tenantd.tenant_data_keys for update to tenantd_owner
  using (true) with check (true);

-- tenantd.key_rotation_apply (a definer function, tenantd_worker only) shreds retired keys
create policy delete_as_owner on tenantd.tenant_data_keys for delete to tenantd_owner
  using (true);
