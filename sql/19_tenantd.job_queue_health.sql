-- tenantd.job_queue_health(alive_seconds): the job queue as GET /readyz and /metrics report it:
-- worker threads that beat within alive_seconds (tenantd.worker_heartbeat), jobs queued and
-- running, and the age of the oldest queued job that is due (run_at passed: a job waiting for
-- its backoff is not late). One row; numbers only.
--
-- SECURITY DEFINER: the queue and the heartbeats are readable by no login role; this returns
-- counts, never a job (whose payload names a tenant).
create or replace function tenantd.job_queue_health(p_alive_seconds integer default 60)
returns table (workers_alive integer, queued bigint, running bigint, oldest_queued_seconds double precision)
language sql stable security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
  select (select count(*)::integer from tenantd.worker_heartbeats h
           where h.seen_at > now() - make_interval(secs => p_alive_seconds)),
         (select count(*) from tenantd.jobs j where j.state = 'queued'),
         (select count(*) from tenantd.jobs j where j.state = 'running'),
         (select coalesce(extract(epoch from now() - min(j.run_at))::double precision, 0)
            from tenantd.jobs j where j.state = 'queued' and j.run_at <= now())
$$;

revoke all on function tenantd.job_queue_health(integer) from public;
grant execute on function tenantd.job_queue_health(integer) to tenantd_app, tenantd_readonly;
