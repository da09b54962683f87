-- tenantd.tg_users__sync_memberships(): AFTER UPDATE of email or disabled on users: copy the
-- change into every membership of that user (memberships.email, memberships.user_disabled;
-- migrations/0041_membership_email.sql), so member lists, which read only memberships, show the
-- identity as it is now.
--
-- A trigger rather than each procedure that changes an email (the identity-provider webhook, a
-- user editing their own row, a super admin, psql): the copy cannot be forgotten by a new code
-- path, and the change and its copies commit together.
--
-- SECURITY DEFINER because the user's memberships are in tenants the writer does not act in (a
-- user changing their own address, the webhook acting as the platform). It runs as
-- tenantd_owner, which FORCE RLS still binds: for each tenant it sets app.tenant_id to that
-- tenant (transaction-local) so the update passes memberships.update_as_owner, the same policy
-- the login procedures use, and restores the caller's tenant afterwards. It touches only the
-- memberships of the user whose row changed; tg_memberships__copy_user sets the values from the
-- users row. search_path pinned, names schema-qualified.
create or replace function tenantd.tg_users__sync_memberships() returns trigger
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_previous text := coalesce(pg_catalog.current_setting('app.tenant_id', true), '');
  v_tenant uuid;
begin
  -- On Citus users is a reference table: this trigger fires on every node's copy of it, in the
  -- query that writes that copy. Only the coordinator's copy (group 0) copies the change into
  -- the memberships, in the coordinator's own distributed transaction (citus/distribute.sql
  -- lets this function run distributed queries from there); on one node it is always made.
  if tenantd.on_citus_worker() then
    return null;
  end if;
  -- names the user whose values the memberships get (tg_memberships__copy_user keeps them);
  -- through set_context, which on Citus sets it as SET LOCAL, the form forwarded to the workers
  -- where that trigger fires
  perform tenantd.set_context(array['app.user_sync'], array[new.id::text]);
  for v_tenant in
    select m.tenant_id from tenantd.memberships m where m.user_id = new.id order by m.tenant_id
  loop
    perform pg_catalog.set_config('app.tenant_id', v_tenant::text, true);
    perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)
    update tenantd.memberships m
       set email = new.email, user_disabled = new.disabled
     where m.tenant_id = v_tenant and m.user_id = new.id;
  end loop;
  perform tenantd.set_context(array['app.user_sync'], array['']);
  perform pg_catalog.set_config('app.tenant_id', v_previous, true);
  perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)
  return null;
end
$$;

-- triggers never need EXECUTE at fire time; nobody calls this directly
revoke all on function tenantd.tg_users__sync_memberships() from public;

create or replace trigger tg_users__sync_memberships
  after update of email, disabled on tenantd.users
  for each row when (old.email is distinct from new.email or old.disabled is distinct from new.disabled)
  execute function tenantd.tg_users__sync_memberships();
