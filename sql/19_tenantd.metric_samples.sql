-- tenantd.metric_samples(): what GET /metrics adds from the database, as (name, labels, value)
-- rows: the counters and histograms the workers keep (tenantd.observe_metric: jobs finished
-- and their durations, provisioning durations), and gauges read now: jobs queued and running by
-- kind, the oldest due job's age, worker threads alive, identity-provider events in the
-- retention window by type and outcome (types tenantd does not apply are counted as 'other', so
-- a provider cannot grow the series). Every tenantd process answers the same numbers: they are
-- the database's, not the process's.
--
-- SECURITY DEFINER: the queue, the webhook events and the counters are readable by no login
-- role; this returns aggregates only (kinds, states, counts), never a row.
-- plpgsql rather than sql: tenantd.webhook_event_types() (sql/86) is created after this file,
-- and a sql function's body is checked when it is created.
create or replace function tenantd.metric_samples()
returns table (name text, labels jsonb, value double precision)
language plpgsql stable security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  return query
  select c.name, c.labels, c.value from tenantd.metric_counters c
  union all
  select 'tenantd_jobs', jsonb_build_object('kind', j.kind, 'state', j.state), count(*)::double precision
    from tenantd.jobs j where j.state in ('queued', 'running') group by j.kind, j.state
  union all
  select 'tenantd_jobs_oldest_queued_seconds', '{}', h.oldest_queued_seconds
    from tenantd.job_queue_health() h
  union all
  select 'tenantd_workers_alive', '{}', h.workers_alive::double precision from tenantd.job_queue_health() h
  union all
  select 'tenantd_webhook_events', jsonb_build_object('type', w.type, 'outcome', w.status), count(*)::double precision
    from (select case when e.type = any (tenantd.webhook_event_types()) then e.type else 'other' end as type,
                 e.status
            from tenantd.webhook_events e) w
   group by w.type, w.status;
end
$$;

revoke all on function tenantd.metric_samples() from public;
grant execute on function tenantd.metric_samples() to tenantd_app, tenantd_readonly;
