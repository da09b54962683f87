-- tenantd.enqueue_retention_sweep(): queues the day's retention sweep ('retention.sweep', payload
-- {} = start), once per UTC day however many workers schedule it (the dedupe key decides, not
-- timing); the job queues its own next steps (tenantd.retention_step). Called with the hourly
-- maintenance scheduling (src/db/job_queue.cpp). Returns the job id.
-- Security invoker: tenantd_worker may enqueue jobs (tenantd.enqueue_job). plpgsql: the queue's
-- functions (sql/90) are created after this file.
create or replace function tenantd.enqueue_retention_sweep() returns bigint
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  return tenantd.enqueue_job('retention.sweep', '{}'::jsonb, now(), 10,
                             'retention.sweep:' || to_char(now() at time zone 'utc', 'YYYY-MM-DD'));
end
$$;

revoke all on function tenantd.enqueue_retention_sweep() from public;
grant execute on function tenantd.enqueue_retention_sweep() to tenantd_worker;
