-- tenantd.webhook_event_types(): the identity-provider event types tenantd applies (Clerk's
-- names); every other type is recorded and acknowledged without effect
-- (tenantd.receive_webhook_event). docs/webhooks.md describes each.
create or replace function tenantd.webhook_event_types() returns text[]
language sql immutable parallel safe
as $$
  select array['organization.created', 'organization.updated', 'organization.deleted',
               'user.created', 'user.updated', 'user.deleted',
               'organizationMembership.created', 'organizationMembership.updated',
               'organizationMembership.deleted']::text[]
$$;

revoke all on function tenantd.webhook_event_types() from public;
grant execute on function tenantd.webhook_event_types() to tenantd_app, tenantd_readonly;
