-- tenantd.tg_memberships__copy_user(): BEFORE INSERT, and BEFORE UPDATE of the columns involved,
-- on memberships: memberships.email and memberships.user_disabled are copies of the identity's
-- users.email and users.disabled (migrations/0041_membership_email.sql says why they exist), so
-- they are set here from the users row, whatever the writer passed. Nobody can list a member
-- under an address that is not theirs, and the procedures that create memberships (create_member,
-- accept_invitation, provisioning, the identity-provider webhook, psql) need not remember them.
-- tg_users__sync_memberships copies later changes of the users row.
--
-- SECURITY DEFINER because the writer may not see the users row: under a member context the
-- users policy shows only oneself. It runs as tenantd_owner (policy users.select_as_owner), reads
-- the one row the new membership names and returns nothing but that row's two values.
-- search_path pinned, names schema-qualified. A user that does not exist leaves email null, and
-- the insert fails on the not-null constraint (or the foreign key) as it should.
create or replace function tenantd.tg_memberships__copy_user() returns trigger
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  -- the identity sync (tg_users__sync_memberships) writes the values of the users row it is
  -- changing: kept. On Citus this node's copy of users is written over another connection of
  -- the same distributed transaction and does not show the change yet; read here, it would put
  -- the old values back. Only an update that keeps the membership's user, for the user the sync
  -- names (app.user_sync): the app role may write neither column, so the mark gives it nothing.
  if tg_op = 'UPDATE' and new.user_id = old.user_id
     and pg_catalog.current_setting('app.user_sync', true) = new.user_id::text then
    return new;
  end if;
  select u.email, u.disabled into new.email, new.user_disabled
    from tenantd.users u
   where u.id = new.user_id;
  return new;
end
$$;

-- triggers never need EXECUTE at fire time; nobody calls this directly
revoke all on function tenantd.tg_memberships__copy_user() from public;

create or replace trigger tg_memberships__copy_user
  before insert or update of user_id, email, user_disabled on tenantd.memberships
  for each row execute function tenantd.tg_memberships__copy_user();
