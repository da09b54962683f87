-- Entitlements and quotas (issue 10).
--
-- Plans gain the limits the quotas need. Each limit is named after the quota metric it bounds
-- (tenantd.effective_entitlements maps the column to the metric); NULL still means unlimited.
alter table tenantd.plans
  add column max_invitations_per_month int check (max_invitations_per_month >= 0),
  add column max_custom_roles int check (max_custom_roles >= 0),
  add column max_api_keys int check (max_api_keys >= 0);

update tenantd.plans set max_invitations_per_month = 20, max_custom_roles = 0, max_api_keys = 2
 where id = 'free';
update tenantd.plans set max_invitations_per_month = 100, max_custom_roles = 0, max_api_keys = 5
 where id = 'starter';
update tenantd.plans set max_invitations_per_month = 500, max_custom_roles = 20, max_api_keys = 25
 where id = 'pro';

-- Per-tenant overrides of the plan, written by platform operators only (policies/). Each key of
-- `limits` replaces the plan's limit of that metric (JSON null: unlimited); each key of
-- `features` replaces the plan's flag. Absent keys inherit the plan, so a plan change still
-- reaches a tenant with overrides. One row per tenant; the keys are checked by
-- tenantd.check_entitlement_overrides when written through the API.
create table tenantd.entitlement_overrides (
  tenant_id uuid primary key references tenantd.tenants (id) on delete cascade,
  limits jsonb not null default '{}' check (jsonb_typeof(limits) = 'object'),
  features jsonb not null default '{}' check (jsonb_typeof(features) = 'object'),
  reason text check (length(reason) <= 1000),
  updated_by uuid,
  updated_at timestamptz not null default now()
);

-- Quota counters, one row per (tenant, metric, period). Monthly metrics use the calendar month
-- in UTC ('YYYY-MM', tenantd.quota_period) and keep a row per month as history: the current
-- period is chosen by time when a quota is consumed, no job resets anything. Metrics that count
-- what exists now (members, custom roles, domains, API keys) use the period 'current': their
-- row is the lock that serialises admissions and holds the count at the last admission.
create table tenantd.quota_counters (
  tenant_id uuid not null references tenantd.tenants (id) on delete cascade,
  metric text not null check (metric ~ '^[a-z][a-z0-9_]{0,62}$'),
  period text not null check (period ~ '^([0-9]{4}-(0[1-9]|1[0-2])|current)$'),
  value bigint not null default 0 check (value >= 0),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, metric, period)
);
