-- App-defined meters: the SaaS application reports its own metered events (transactions,
-- workflow executions, …) through POST /v1/usage/events. One row per event, keyed by the
-- application's own event id within the tenant, so a retried report is recognised and counted
-- once (tenantd.record_usage_events). The rows are the audit trail behind the daily sums in
-- tenantd.usage_daily, which the same transaction adds them to; nobody changes or deletes
-- them (billing records).
create table tenantd.usage_events (
  tenant_id uuid not null default tenantd.current_tenant_id()
    references tenantd.tenants (id) on delete cascade,
  -- the application's id: printable, no spaces, so it can be quoted back in errors and logs
  id text not null check (id ~ '^[A-Za-z0-9][A-Za-z0-9._:~-]{0,127}$'),
  metric text not null check (metric ~ '^[a-z][a-z0-9_]{0,62}$'),
  value bigint not null check (value between 1 and 1000000000),
  occurred_at timestamptz not null,
  received_at timestamptz not null default now(),
  recorded_by uuid,
  primary key (tenant_id, id)
);

-- per metric and time: what a report or a reconciliation with usage_daily reads
create index usage_events_tenant_id_metric_occurred_at_idx
  on tenantd.usage_events (tenant_id, metric, occurred_at);

-- born closed (see 0004_tenants.sql); the policies are in policies/usage_events.sql
alter table tenantd.usage_events enable row level security;
alter table tenantd.usage_events force row level security;

-- The sessions limit (max_sessions, quota metric 'sessions') counts a tenant's live sessions at
-- every login under the metric's counter lock: this keeps that count to the live rows instead
-- of every rotated refresh token kept until the cleanup job removes it.
create index sessions_tenant_id_live_idx on tenantd.sessions (tenant_id, expires_at)
  where revoked_at is null;
