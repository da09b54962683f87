-- tenantd.enqueue_due_purges(grace_days): requests the purge of every tenant soft-deleted more
-- than `grace_days` days ago (PURGE_GRACE_DAYS, 30 by default) that has no tombstone yet. Run
-- by the hourly maintenance job; returns how many purges it started.
-- SECURITY DEFINER: finds deleted tenants across tenants and writes tombstones and jobs;
-- tenantd_worker only.
create or replace function tenantd.enqueue_due_purges(p_grace_days integer) returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_id uuid;
  v_n integer := 0;
begin
  for v_id in
    select t.id from tenantd.tenants t
     where t.deleted_at < now() - make_interval(days => greatest(coalesce(p_grace_days, 30), 0))
       and not exists (select 1 from tenantd.tenant_tombstones s where s.id = t.id)
     order by t.deleted_at
     limit 1000
  loop
    perform tenantd.request_purge(v_id, 'grace');
    v_n := v_n + 1;
  end loop;
  return v_n;
end
$$;

revoke all on function tenantd.enqueue_due_purges(integer) from public;
grant execute on function tenantd.enqueue_due_purges(integer) to tenantd_worker;
