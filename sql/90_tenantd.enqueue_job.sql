-- tenantd.enqueue_job(kind, payload, run_at, max_attempts, dedupe_key): adds a job inside the
-- caller's transaction (it exists only if that transaction commits) and wakes the workers with
-- NOTIFY, which PostgreSQL delivers at commit. With a dedupe_key, a second enqueue returns the
-- existing job's id instead of adding another.
--
-- SECURITY DEFINER: the app role has no grants on tenantd.jobs; this is its only way in.
create or replace function tenantd.enqueue_job(
  p_kind text,
  p_payload jsonb default '{}',
  p_run_at timestamptz default now(),
  p_max_attempts integer default 5,
  p_dedupe_key text default null
) returns bigint
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_id bigint;
begin
  insert into tenantd.jobs (kind, payload, run_at, max_attempts, dedupe_key)
  values (p_kind, coalesce(p_payload, '{}'), coalesce(p_run_at, now()), coalesce(p_max_attempts, 5), p_dedupe_key)
  on conflict (dedupe_key) do nothing
  returning id into v_id;
  if v_id is null then
    select j.id into v_id from tenantd.jobs j where j.dedupe_key = p_dedupe_key;
  end if;
  perform pg_notify('tenantd_jobs', p_kind);
  return v_id;
end
$$;

-- worker-only (DESIGN §3): the app role must not be able to call it, even with abused SQL
revoke all on function tenantd.enqueue_job(text, jsonb, timestamptz, integer, text) from public, tenantd_app;
grant execute on function tenantd.enqueue_job(text, jsonb, timestamptz, integer, text) to tenantd_worker;
