-- tenantd.provisioning_failed(tenant, error, attempts, final): the 'tenant.provision' job's
-- on_failure hook. Runs in the transaction that records the failed attempt, after the work's
-- transaction rolled back completely (so the tenant has no preseed rows). Sets the tenant
-- 'failed' (transition_tenant: pending/provisioning → failed, with an audit row) or, when it is
-- failed already from an earlier attempt, leaves the status; records the error, the attempt
-- count and provisioning_status 'retrying' (the job will run again after its backoff) or
-- 'failed' (no attempts left: POST /v1/tenants/{id}/reprovision after fixing the cause).
-- A tenant that is not pending/provisioning/failed (activated meanwhile, deleted) is left alone.
-- Race: the tenant row lock, as in tenantd.provision_tenant.
-- SECURITY DEFINER for the same reason as tenantd.provision_tenant (a worker without context).
create or replace function tenantd.provisioning_failed(
  p_tenant uuid, p_error text, p_attempts integer, p_final boolean)
returns void
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_saved text[];
  v_row tenantd.tenants%rowtype;
begin
  v_saved := tenantd.enter_system_context(p_tenant);
  select * into v_row from tenantd.tenants t where t.id = p_tenant for update;
  if found and v_row.deleted_at is null and v_row.status in ('pending', 'provisioning', 'failed') then
    if v_row.status <> 'failed' then
      perform tenantd.transition_tenant(p_tenant, 'failed', left('provisioning failed: ' || coalesce(p_error, ''), 500));
    end if;
    update tenantd.tenants t
       set provisioning_error = left(coalesce(p_error, 'unknown error'), 2000),
           provisioning_attempts = greatest(coalesce(p_attempts, 0), 0),
           provisioning_status = case when p_final then 'failed' else 'retrying' end
     where t.id = p_tenant;
  end if;
  perform tenantd.leave_system_context(v_saved);
end
$$;

-- worker-only (DESIGN §3): the app role must not be able to call it, even with abused SQL
revoke all on function tenantd.provisioning_failed(uuid, text, integer, boolean) from public, tenantd_app;
grant execute on function tenantd.provisioning_failed(uuid, text, integer, boolean) to tenantd_worker;
