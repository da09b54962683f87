-- tenantd.memberships: tenant-owned; every command is limited to the tenant the transaction acts
-- in, and the permission rules of tenantd.has_permission hold here, so a DBA in psql with a
-- member's context gets the answer the API gives:
--   read     members:read (every built-in role has it), or one's own membership
--   write    members:write
-- No super-admin bypass of the tenant test: a super admin acts in a tenant by naming it
-- (tenantd.enter_context); has_permission is true for them there.
-- The last active tenant_admin of a tenant is kept by trigger tg_memberships__keep_admin.
alter table tenantd.memberships enable row level security;
alter table tenantd.memberships force row level security;

-- Column grants: password_hash (this membership's credential) is never readable by the app role
-- or by reporting; only the SECURITY DEFINER login functions compare it, inside the database.
-- The app role writes neither the credential nor the acceptance marker nor the source: those
-- are set by the definer procedures that create and take up memberships.
revoke all on table tenantd.memberships from public, tenantd_app, tenantd_readonly;
-- email and user_disabled are copies of the users row kept by triggers
-- (tg_memberships__copy_user, tg_users__sync_memberships): readable, never written by the app.
grant select (tenant_id, id, user_id, role, disabled, display_name, accepted_at, source,
              email, user_disabled, created_at, updated_at, created_by, updated_by)
  on table tenantd.memberships to tenantd_app, tenantd_readonly;
-- source and user_disabled too, for Citus: it names every column that has a default in the
-- INSERT it sends to a shard, where the column privileges are checked again. Neither gives the
-- app role anything: user_disabled is overwritten from the users row (tg_memberships__copy_user)
-- and the insert policy below admits only the default source.
grant insert (tenant_id, id, user_id, role, disabled, display_name, created_at, updated_at,
              created_by, updated_by, source, user_disabled)
  on table tenantd.memberships to tenantd_app;
grant update (tenant_id, id, user_id, role, disabled, display_name, created_at, updated_at,
              created_by, updated_by)
  on table tenantd.memberships to tenantd_app;
grant delete on table tenantd.memberships to tenantd_app;

call tenantd.drop_policies('tenantd.memberships');

create policy select_own_tenant on tenantd.memberships for select
  using (tenant_id = tenantd.current_tenant_id()
         and (tenantd.has_permission('members:read')
              or user_id = tenantd.current_user_id()));

-- tenantd_readonly (DBAs, reporting) reads the tenant it names, whatever app.role says
create policy select_own_tenant_reporting on tenantd.memberships for select to tenantd_readonly
  using (tenant_id = tenantd.current_tenant_id());

-- source = 'direct': a membership of another source (an invitation, sign-up) is made by the
-- definer procedures alone (insert_as_owner)
create policy insert_own_tenant on tenantd.memberships for insert
  with check (tenant_id = tenantd.current_tenant_id()
              and tenantd.has_permission('members:write')
              and source = 'direct');

-- WITH CHECK as well: a row must not be moved into another tenant
create policy update_own_tenant on tenantd.memberships for update
  using (tenant_id = tenantd.current_tenant_id()
         and tenantd.has_permission('members:write'))
  with check (tenant_id = tenantd.current_tenant_id()
              and tenantd.has_permission('members:write'));

create policy delete_own_tenant on tenantd.memberships for delete
  using (tenant_id = tenantd.current_tenant_id()
         and tenantd.has_permission('members:write'));

-- SECURITY DEFINER procedures run as the owner. api.create_member counts a user's memberships
-- in every tenant (MAX_TENANTS_PER_USER); a procedure that joins a person to a tenant before any
-- context exists (accepting an invitation) inserts the membership it has checked itself.
-- tenantd_owner and its members only; tenantd_app never gets these.
create policy select_as_owner on tenantd.memberships for select to tenantd_owner
  using (true);

create policy insert_as_owner on tenantd.memberships for insert to tenantd_owner
  with check (true);

-- The login and profile procedures (SECURITY DEFINER) mark a membership accepted on its first
-- login and let a person rename themself in a tenant; they set the context to that tenant
-- first, and this policy keeps them inside it.
create policy update_as_owner on tenantd.memberships for update to tenantd_owner
  using (tenant_id = tenantd.current_tenant_id())
  with check (tenant_id = tenantd.current_tenant_id());
