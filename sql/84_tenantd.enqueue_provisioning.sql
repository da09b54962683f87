-- tenantd.enqueue_provisioning(tenant): the tenant's 'tenant.provision' job, in the caller's
-- transaction (tenantd.signup, POST /v1/tenants, api.reprovision_tenant). One job per tenant: the
-- dedupe key 'provision:<tenant id>' is unique in tenantd.jobs, so two enqueuers racing get
-- the same job (the unique constraint decides). A job that already ended (failed after its
-- last attempt, or completed) is queued again now with its attempts reset; a queued one waiting
-- for its backoff is made due now; a running one is left alone. Returns the job id.
-- SECURITY DEFINER: the app role has no grants on tenantd.jobs (and resetting a job is more
-- than tenantd.enqueue_job offers). Not executable by the app role: the owner's definer
-- functions (tenantd.signup) call it directly; an operator's request goes through
-- tenantd.request_provisioning, which checks the operator first. (Checking here would not work:
-- inside a definer function tenantd.is_super_admin() sees the owner and trusts app.role, which
-- any session can write.)
create or replace function tenantd.enqueue_provisioning(p_tenant uuid)
returns bigint
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_id bigint;
begin
  if not exists (select 1 from tenantd.tenants t where t.id = p_tenant) then
    raise exception using errcode = 'TDN05', message = 'no such tenant';
  end if;
  update tenantd.jobs j
     set state = 'queued', run_at = now(), attempts = 0, last_error = null, lease_until = null,
         locked_by = null, completed_at = null, updated_at = now()
   where j.dedupe_key = 'provision:' || p_tenant::text and j.state in ('queued', 'failed', 'completed')
  returning j.id into v_id;
  if v_id is not null then
    perform pg_catalog.pg_notify('tenantd_jobs', 'tenant.provision');
    return v_id;
  end if;
  return tenantd.enqueue_job('tenant.provision', jsonb_build_object('tenant_id', p_tenant), now(), 5,
                             'provision:' || p_tenant::text);
end
$$;

revoke all on function tenantd.enqueue_provisioning(uuid) from public, tenantd_app;
-- no grant: owner-only (see the header)
