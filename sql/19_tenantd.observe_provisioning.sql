-- tenantd.observe_provisioning(tenant, outcome, buckets): the provisioning duration histogram
-- (tenantd_provisioning_duration_seconds{outcome}), from the tenant's creation (sign-up or
-- POST /v1/tenants) to the end of provisioning: the time a customer waits, queueing included.
-- 'completed' counts only when this transaction finished the provisioning
-- (provisioning_completed_at = now(), the transaction's start), so a job that finds the tenant
-- already active, and runs again harmlessly, counts nothing. 'failed' is the final failed
-- attempt. Called by the worker in the job's own transaction.
--
-- SECURITY DEFINER: the worker role has no grants on tenantd.tenants; returns nothing.
create or replace function tenantd.observe_provisioning(p_tenant uuid, p_outcome text, p_buckets double precision[])
returns void
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_seconds double precision;
begin
  if p_outcome not in ('completed', 'failed') then
    raise exception using errcode = 'TD400', message = 'outcome must be completed or failed';
  end if;
  select greatest(extract(epoch from now() - t.created_at)::double precision, 0) into v_seconds
    from tenantd.tenants t
   where t.id = p_tenant and (p_outcome = 'failed' or t.provisioning_completed_at = now());
  if found then
    perform tenantd.observe_metric('tenantd_provisioning_duration_seconds',
                                   jsonb_build_object('outcome', p_outcome), v_seconds, p_buckets);
  end if;
end
$$;

-- worker-only (DESIGN §3)
revoke all on function tenantd.observe_provisioning(uuid, text, double precision[]) from public, tenantd_app;
grant execute on function tenantd.observe_provisioning(uuid, text, double precision[]) to tenantd_worker;
