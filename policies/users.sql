-- tenantd.users: global identities. Emails are personal data shared across tenants, so a
-- request sees only itself; super admins see all. Member lists read the copy of the address a
-- membership carries (memberships.email, memberships.user_disabled), so no policy here looks
-- into memberships.
-- Column grants: the app role never reads external_id (the identity-provider link: knowing it
-- is half of forging a provider event or token mapping) and may write only the email and the
-- disabled switch. Credentials and profiles are not here at all: they belong to memberships
-- (migrations/0031_membership_credentials.sql).
alter table tenantd.users enable row level security;
alter table tenantd.users force row level security;

revoke all on table tenantd.users from public, tenantd_app, tenantd_readonly;
grant select (id, email, disabled, created_at, updated_at, created_by, updated_by)
  on table tenantd.users to tenantd_app, tenantd_readonly;
grant insert (id, email, disabled, created_at, updated_at, created_by, updated_by)
  on table tenantd.users to tenantd_app;
grant update (id, email, disabled, created_at, updated_at, created_by, updated_by)
  on table tenantd.users to tenantd_app;
grant delete on table tenantd.users to tenantd_app;

call tenantd.drop_policies('tenantd.users');

create policy select_self on tenantd.users for select
  using (id = tenantd.current_user_id());

create policy select_as_super_admin on tenantd.users for select
  using (tenantd.is_super_admin());

create policy insert_as_super_admin on tenantd.users for insert
  with check (tenantd.is_super_admin());

create policy update_as_super_admin on tenantd.users for update
  using (tenantd.is_super_admin())
  with check (tenantd.is_super_admin());

-- a user edits their own identity (email); tg_users__protect_columns keeps `disabled` for super
-- admins
create policy update_self on tenantd.users for update
  using (id = tenantd.current_user_id())
  with check (id = tenantd.current_user_id());

create policy delete_as_super_admin on tenantd.users for delete
  using (tenantd.is_super_admin());

-- api.create_member (SECURITY DEFINER, runs as the owner) finds a user by email across tenants
-- and creates new ones. tenantd_owner and its members only.
create policy select_as_owner on tenantd.users for select to tenantd_owner
  using (true);

create policy insert_as_owner on tenantd.users for insert to tenantd_owner
  with check (true);
