-- tenantd.sessions: tenant-owned; every command is limited to the tenant the transaction acts in.
-- No super-admin bypass: a super admin acts in a tenant by naming it (tenantd.enter_context).
alter table tenantd.sessions enable row level security;
alter table tenantd.sessions force row level security;

-- Sessions are written only by the SECURITY DEFINER functions api.auth_login_complete,
-- api.auth_refresh and api.auth_logout (and the cleanup job): a member context that can run SQL
-- must not mint, extend or un-revoke a session. Nobody but the owner reads refresh_token_hash.
-- Removing a member removes their sessions through the foreign key's cascade.
revoke all on table tenantd.sessions from public, tenantd_app, tenantd_readonly;
grant select (tenant_id, id, user_id, created_at, expires_at, revoked_at, last_used_at, family_id,
              rotated_at, replaced_by, revoked_reason)
  on table tenantd.sessions to tenantd_app, tenantd_readonly;

call tenantd.drop_policies('tenantd.sessions');

create policy select_own_tenant on tenantd.sessions for select
  using (tenant_id = tenantd.current_tenant_id());

create policy insert_own_tenant on tenantd.sessions for insert
  with check (tenant_id = tenantd.current_tenant_id());

-- WITH CHECK as well: a row must not be moved into another tenant
create policy update_own_tenant on tenantd.sessions for update
  using (tenant_id = tenantd.current_tenant_id())
  with check (tenant_id = tenantd.current_tenant_id());

create policy delete_own_tenant on tenantd.sessions for delete
  using (tenant_id = tenantd.current_tenant_id());
