-- Usage metering (issue 10): one row per (tenant, metric, UTC day), the history usage reports
-- and billing read. api_calls is counted in the process and added here by one statement per
-- flush (tenantd.record_api_calls); no request writes a row of its own.
create table tenantd.usage_daily (
  tenant_id uuid not null references tenantd.tenants (id) on delete cascade,
  metric text not null check (metric ~ '^[a-z][a-z0-9_]{0,62}$'),
  day date not null,
  value bigint not null default 0 check (value >= 0),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, metric, day)
);
