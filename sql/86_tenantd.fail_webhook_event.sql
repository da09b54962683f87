-- tenantd.fail_webhook_event(event_id, error, attempt): records a failed attempt at applying an
-- event (the 'webhook.process' job's on_failure hook, in the transaction that records the job's
-- failure, after the work's own transaction rolled back): status failed, the error, the attempt
-- count. The job retries with backoff until max_attempts; a later success sets completed.
--
-- SECURITY DEFINER: the app role has no grants on tenantd.webhook_events.
create or replace function tenantd.fail_webhook_event(p_event_id text, p_error text, p_attempt integer)
returns void
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  update tenantd.webhook_events e
     set status = 'failed', attempts = greatest(coalesce(p_attempt, 1), e.attempts), last_error = left(p_error, 2000),
         processed_at = now()
   where e.id = p_event_id and e.status <> 'completed';
end
$$;

-- worker-only (DESIGN §3): the app role must not be able to call it, even with abused SQL
revoke all on function tenantd.fail_webhook_event(text, text, integer) from public, tenantd_app;
grant execute on function tenantd.fail_webhook_event(text, text, integer) to tenantd_worker;
