-- tenantd.login_attempts: tenant-owned security records behind the login lockout. Written only
-- by the login functions (api.auth_login_begin/api.auth_login_complete, SECURITY DEFINER),
-- which set the tenant context transaction-locally first, so even they write through the
-- own-tenant policies below. The app role may only read, and only with audit:read (these are
-- security records, like the audit log); nobody but the owner's functions writes.
alter table tenantd.login_attempts enable row level security;
alter table tenantd.login_attempts force row level security;

revoke all on table tenantd.login_attempts from public, tenantd_app, tenantd_readonly;
grant select on table tenantd.login_attempts to tenantd_app, tenantd_readonly;

call tenantd.drop_policies('tenantd.login_attempts');

create policy select_own_tenant on tenantd.login_attempts for select
  using (tenant_id = tenantd.current_tenant_id()
         and tenantd.has_permission('audit:read'));

-- the owner's login functions (no grant gives tenantd_app these commands)
create policy insert_own_tenant on tenantd.login_attempts for insert
  with check (tenant_id = tenantd.current_tenant_id());

create policy update_own_tenant on tenantd.login_attempts for update
  using (tenant_id = tenantd.current_tenant_id())
  with check (tenant_id = tenantd.current_tenant_id());

create policy delete_own_tenant on tenantd.login_attempts for delete
  using (tenant_id = tenantd.current_tenant_id());

-- the login functions count failures before deciding; that read must not depend on the
-- permissions of a caller who has no role yet. tenantd_owner and its members only.
create policy select_as_owner on tenantd.login_attempts for select to tenantd_owner
  using (tenant_id = tenantd.current_tenant_id());
