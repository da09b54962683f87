-- tenantd.sweep_webhook_events(days): deletes recorded webhook events received more than `days`
-- ago (WEBHOOK_RETENTION_DAYS), completed and failed ones; an event still processing keeps its
-- row until its job is done. Returns the count. Part of 'maintenance.sweep'.
-- After the sweep a redelivery of a swept id would be applied again: the retention must exceed
-- the provider's retry window (Svix retries for about a day; the default is 30 days).
--
-- SECURITY DEFINER: workers have no grants on tenantd.webhook_events.
create or replace function tenantd.sweep_webhook_events(p_days integer default 30)
returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_count integer;
begin
  if p_days is null or p_days < 1 then
    raise exception using errcode = 'TD422', message = 'retention must be at least one day';
  end if;
  delete from tenantd.webhook_events e
   where e.received_at < now() - make_interval(days => p_days)
     and e.status <> 'processing';
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

-- worker-only (DESIGN §3): the app role must not be able to call it, even with abused SQL
revoke all on function tenantd.sweep_webhook_events(integer) from public, tenantd_app;
grant execute on function tenantd.sweep_webhook_events(integer) to tenantd_worker;
