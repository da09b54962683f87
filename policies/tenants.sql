-- tenantd.tenants: a request sees the tenant it acts in; super admins see and manage all.
-- The table's id is the tenant id (no tenant_id column).
alter table tenantd.tenants enable row level security;
alter table tenantd.tenants force row level security;

revoke all on table tenantd.tenants from public, tenantd_app, tenantd_readonly;
grant select, insert, update, delete on table tenantd.tenants to tenantd_app;
grant select on table tenantd.tenants to tenantd_readonly;

call tenantd.drop_policies('tenantd.tenants');

create policy select_own_tenant on tenantd.tenants for select
  using (id = tenantd.current_tenant_id());

create policy select_as_super_admin on tenantd.tenants for select
  using (tenantd.is_super_admin());

-- signing a tenant up and hard deletion are platform operations
create policy insert_as_super_admin on tenantd.tenants for insert
  with check (tenantd.is_super_admin());

create policy delete_as_super_admin on tenantd.tenants for delete
  using (tenantd.is_super_admin());

create policy update_as_super_admin on tenantd.tenants for update
  using (tenantd.is_super_admin())
  with check (tenantd.is_super_admin());

-- a tenant admin edits their own tenant; tg_tenants__protect_columns limits which columns
create policy update_own_tenant_as_tenant_admin on tenantd.tenants for update
  using (id = tenantd.current_tenant_id()
         and tenantd.current_role_name() = 'tenant_admin')
  with check (id = tenantd.current_tenant_id()
              and tenantd.current_role_name() = 'tenant_admin');

-- tenantd.enter_context (SECURITY DEFINER, runs as the owner, which FORCE RLS binds) resolves
-- slugs and ids before any context exists. Applies to tenantd_owner and its members only
-- (migrations, DBAs), never to tenantd_app or tenantd_readonly.
create policy select_as_owner on tenantd.tenants for select to tenantd_owner
  using (true);
