-- tenantd.events: the live streams' recent events (migrations/0118_events.sql). Operators read
-- them all (GET /v1/admin/events replays through api.admin_events, as tenantd_app under these
-- policies); a tenant's members read nothing here (the public status stream reads its one
-- tenant's status events through tenantd.tenant_status_events, which returns the status shape
-- only). Nobody but the owner writes: the rows come from the definer trigger functions in
-- sql/22_*, whose writes the owner policies below admit; an app role that could insert could
-- forge a status change on a stranger's sign-up page.
alter table tenantd.events enable row level security;
alter table tenantd.events force row level security;

revoke all on table tenantd.events from public, tenantd_app, tenantd_readonly;
grant select on table tenantd.events to tenantd_app, tenantd_readonly;

call tenantd.drop_policies('tenantd.events');

create policy select_as_super_admin on tenantd.events for select
  using (tenantd.is_super_admin());

-- the trigger functions (definer) record events whoever changed the row
create policy insert_as_owner on tenantd.events for insert to tenantd_owner
  with check (true);

-- everyone else inserts nothing (the app role has no INSERT grant either)
create policy insert_denied on tenantd.events for insert
  with check (false);

-- the definer functions read one tenant's status events for the public stream (they filter)
create policy select_as_owner on tenantd.events for select to tenantd_owner
  using (true);

-- events are history: nobody rewrites them
create policy update_denied on tenantd.events for update
  using (false);

-- pruning past the retention (tenantd.record_event, as the owner); younger rows stay
create policy delete_expired_as_owner on tenantd.events for delete to tenantd_owner
  using (created_at < now() - interval '1 day');

-- everyone else deletes nothing
create policy delete_denied on tenantd.events for delete
  using (false);
