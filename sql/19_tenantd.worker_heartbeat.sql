-- tenantd.worker_heartbeat(worker, alive): a worker thread's sign of life for GET /readyz
-- ("workers alive"). alive = true records now() as its last beat (the first beat its start);
-- alive = false deletes its row (a clean stop). A crashed worker simply stops beating.
--
-- SECURITY DEFINER: the workers have no grants on tenantd.worker_heartbeats.
create or replace function tenantd.worker_heartbeat(p_worker text, p_alive boolean)
returns void
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  if p_alive then
    insert into tenantd.worker_heartbeats as h (worker_id) values (p_worker)
    on conflict (worker_id) do update set seen_at = now();
    -- rows of workers gone for a day: nobody will delete them otherwise
    delete from tenantd.worker_heartbeats h where h.seen_at < now() - interval '1 day';
  else
    delete from tenantd.worker_heartbeats h where h.worker_id = p_worker;
  end if;
end
$$;

-- worker-only (DESIGN §3)
revoke all on function tenantd.worker_heartbeat(text, boolean) from public, tenantd_app;
grant execute on function tenantd.worker_heartbeat(text, boolean) to tenantd_worker;
