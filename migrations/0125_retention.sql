-- Retention: how long a tenant keeps the data that only piles up. Four kinds of data, each
-- named by its table:
--   audit_log     every audit row, by its time (at)
--   invitations   ended invitations only: accepted (accepted_at), revoked (revoked_at) or
--                 expired while pending (expires_at); a pending, unexpired one is never swept
--   sessions      ended sessions only: expired (expires_at) or revoked (revoked_at)
--   usage_events  usage detail: the app-reported event rows (POST /v1/usage/events), by
--                 occurred_at. The daily sums in tenantd.usage_daily are the usage history
--                 reports and billing read; they are one row per metric and day and are kept.
-- The sweep ('retention.sweep' job, tenantd.retention_step) deletes what is older than the
-- tenant's effective retention, in batches.

-- Per plan: a default and the bounds a tenant admin may choose within, per kind of data. Plan
-- data like the plan limits (global reference data, written by operators): a row per (plan,
-- kind) with typed, checked columns instead of twelve more columns on plans. A plan without a
-- row for a kind keeps that kind forever (nothing is swept) and refuses settings for it.
create table tenantd.plan_retention (
  plan_id text not null references tenantd.plans (id) on delete cascade,
  data text not null check (data in ('audit_log', 'invitations', 'sessions', 'usage_events')),
  default_days int not null,
  min_days int not null,
  max_days int not null,
  primary key (plan_id, data),
  check (1 <= min_days and min_days <= default_days and default_days <= max_days and max_days <= 36500)
);

-- usage_events: a report may be up to 7 days late (tenantd.record_usage_events), and a repeated
-- event id is recognised only while its row exists, so the minimum stays well above 7 days.
-- sessions: 7 days is what the hourly cleanup kept before the sweep took it over.
insert into tenantd.plan_retention (plan_id, data, default_days, min_days, max_days) values
  ('free',       'audit_log',     90, 30,   90),
  ('starter',    'audit_log',    180, 30,  365),
  ('pro',        'audit_log',    365, 30, 1095),
  ('enterprise', 'audit_log',    365, 30, 2555),
  ('free',       'invitations',   30,  7,   90),
  ('starter',    'invitations',   30,  7,  180),
  ('pro',        'invitations',   90,  7,  365),
  ('enterprise', 'invitations',   90,  7,  730),
  ('free',       'sessions',       7,  1,   30),
  ('starter',    'sessions',       7,  1,   90),
  ('pro',        'sessions',       7,  1,   90),
  ('enterprise', 'sessions',       7,  1,  365),
  ('free',       'usage_events',  90, 35,  180),
  ('starter',    'usage_events', 180, 35,  365),
  ('pro',        'usage_events', 365, 35,  730),
  ('enterprise', 'usage_events', 365, 35, 2555);

-- Per tenant: the number of days a tenant admin chose, per kind (PUT /v1/retention). No row: the
-- plan's default. The value is kept as chosen; what counts is the effective value, the setting
-- clamped to the current plan's bounds (tenantd.retention_policy), so a downgrade tightens it
-- and an upgrade back restores the choice.
create table tenantd.retention_settings (
  tenant_id uuid not null default tenantd.current_tenant_id()
    references tenantd.tenants (id) on delete cascade,
  data text not null check (data in ('audit_log', 'invitations', 'sessions', 'usage_events')),
  days int not null check (days between 1 and 36500),
  updated_by uuid,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, data)
);

-- born closed (see 0004_tenants.sql); the policies are in policies/retention_settings.sql
alter table tenantd.retention_settings enable row level security;
alter table tenantd.retention_settings force row level security;
