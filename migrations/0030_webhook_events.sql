-- Identity-provider webhooks (issue 5 §6): every delivery the service accepted, keyed by the
-- provider's event id (webhook-id / svix-id), and the link from global users to the provider's
-- user ids.
--
-- Global table: an event is the identity provider's data, keyed by its own id, and may concern
-- no tenant at all (user.*) or one that does not exist yet (organization.created). Only the
-- SECURITY DEFINER functions in sql/86_* and sql/87_* reach it (listed in tenantd.global_tables()).
create table tenantd.webhook_events (
  -- The primary key decides redelivery races: of two concurrent deliveries of one id, exactly one
  -- insert succeeds (tenantd.receive_webhook_event uses ON CONFLICT DO NOTHING) and only that
  -- one enqueues the processing job.
  id text primary key check (length(id) between 1 and 255),
  type text not null check (length(type) between 1 and 200),
  payload jsonb not null check (jsonb_typeof(payload) = 'object'),
  -- processing: its job is queued or running; completed: applied (or an unknown type,
  -- acknowledged and ignored); failed: the last attempt failed (the job may still retry)
  status text not null default 'processing' check (status in ('processing', 'completed', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  last_error text,
  received_at timestamptz not null default now(),
  processed_at timestamptz
);

-- retention sweep (tenantd.sweep_webhook_events)
create index webhook_events_received_at_idx on tenantd.webhook_events (received_at);
-- organization.created checks whether the organization's deletion was already applied (events
-- may be processed out of order)
create index webhook_events_deleted_orgs_idx on tenantd.webhook_events ((payload -> 'data' ->> 'id'))
  where type = 'organization.deleted';

-- The identity provider's user id (Clerk "user_…"). Unique: two events about one external user
-- can never create two identities (the unique index decides a race; see
-- tenantd.apply_webhook_event, which also serialises them with an advisory lock).
alter table tenantd.users add column external_id text unique
  check (external_id is null or length(external_id) between 1 and 255);
