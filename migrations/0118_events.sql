-- tenantd.events: what the live streams (GET /v1/admin/events, GET /v1/tenant-status/{id}/events)
-- send, kept for a short while so that a client that reconnects with Last-Event-ID gets what it
-- missed. The triggers in sql/22_* write a row and NOTIFY its JSON on channel 'tenantd_events' in
-- the same transaction, so a listener only ever hears committed events and replay finds them.
--
-- The id orders events for resume; ids are assigned at insert, so two transactions that commit
-- out of order can show a listener a higher id first (docs/live-events.md: the streams send a
-- snapshot on every connect, which is what makes a missed event harmless for status pages).
--
-- tenant_id is NULL for platform events (a housekeeping job); such rows are visible to
-- operators only (policies/events.sql). Rows older than a day are pruned by
-- tenantd.record_event.
create table tenantd.events (
  id bigint generated always as identity primary key,
  tenant_id uuid,
  kind text not null check (kind in ('tenant.status', 'job.state', 'domain.status')),
  data jsonb not null check (jsonb_typeof(data) = 'object'),
  created_at timestamptz not null default now()
);

-- the public stream's replay: one tenant's events after an id
create index events_tenant_id_idx on tenantd.events (tenant_id, id);
-- pruning by age
create index events_created_at_idx on tenantd.events (created_at);
