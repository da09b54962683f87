-- Observability that outlives a process: the job workers may run in other processes than the one
-- /metrics is scraped from, so what they count is kept in the database.
--
-- metric_counters: monotonic counters and histogram series (Prometheus' cumulative buckets,
-- _sum and _count) written by tenantd.observe_metric in the same transaction as the work they
-- count, so a rolled-back job counts nothing. No tenant data: the labels are job kinds and
-- outcomes. Read through tenantd.metric_samples() (SECURITY DEFINER, aggregates only).
create table tenantd.metric_counters (
  name text not null check (name ~ '^tenantd_[a-z0-9_]{1,100}$'),
  -- label name -> value (text); le for histogram buckets
  labels jsonb not null default '{}' check (jsonb_typeof(labels) = 'object'),
  value double precision not null default 0,
  updated_at timestamptz not null default now(),
  primary key (name, labels)
);

-- worker_heartbeats: each worker thread's last sign of life (GET /readyz: workers alive). A
-- worker beats while it loops, and deletes its row when it stops cleanly; a crashed worker's row
-- ages out (readiness counts only recent beats, the sweep deletes old rows).
create table tenantd.worker_heartbeats (
  worker_id text primary key check (length(worker_id) between 1 and 300),
  started_at timestamptz not null default now(),
  seen_at timestamptz not null default now()
);

revoke all on tenantd.metric_counters, tenantd.worker_heartbeats from public, tenantd_app, tenantd_worker;
grant select on tenantd.metric_counters, tenantd.worker_heartbeats to tenantd_readonly;
