-- The job queue (DESIGN §6): background work that must survive restarts and run exactly once
-- in effect. Workers claim rows with FOR UPDATE SKIP LOCKED, hold a lease while working, and
-- finish a job in the same transaction as its effect.
--
-- Global table: a job names its tenant inside its payload when it has one, and only workers
-- reach it, through the SECURITY DEFINER functions in sql/9x_*. The app and readonly roles get no
-- direct grants (listed in tenantd.global_tables()).
create table tenantd.jobs (
  id bigint generated always as identity primary key,
  kind text not null check (kind ~ '^[a-z][a-z0-9_.]{0,62}$'),
  payload jsonb not null default '{}' check (jsonb_typeof(payload) = 'object'),
  state text not null default 'queued' check (state in ('queued', 'running', 'completed', 'failed')),
  run_at timestamptz not null default now(),
  attempts integer not null default 0 check (attempts >= 0),
  max_attempts integer not null default 5 check (max_attempts between 1 and 100),
  lease_until timestamptz,
  locked_by text,
  last_error text,
  -- at most one job per key while it exists (e.g. 'provision:<tenant id>'): a unique
  -- constraint, not timing, decides between two enqueuers
  dedupe_key text unique,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  completed_at timestamptz
);

-- what claim_job scans: due queued jobs and running jobs whose lease may have expired
create index jobs_claimable_idx on tenantd.jobs (run_at, id) where state in ('queued', 'running');
create index jobs_state_kind_idx on tenantd.jobs (state, kind, id);
