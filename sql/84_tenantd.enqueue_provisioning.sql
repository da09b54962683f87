-- tenantd.enqueue_provisioning(tenant): the tenant's 'tenant.provision' job, in the caller's
-- transaction (api.signup, POST /v1/tenants, api.reprovision_tenant). One job per tenant: the
-- dedupe key 'provision:<tenant id>' is unique in tenantd.jobs, so two enqueuers racing get
-- the same job (the unique constraint decides). A job that already ended (failed after its
-- last attempt, or completed) is queued again now with its attempts reset; a queued one waiting
-- for its backoff is made due now; a running one is left alone. Returns the job id.
-- SECURITY DEFINER: the app role has no grants on tenantd.jobs (and resetting a job is more
-- than tenantd.enqueue_job offers). Callable by a super admin (POST /v1/tenants calls it right
-- after api.create_tenant) and by the owner's definer functions; anyone else gets TD403.
create or replace function tenantd.enqueue_provisioning(p_tenant uuid)
returns bigint
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_id bigint;
begin
  if not (tenantd.is_super_admin() or pg_catalog.pg_has_role(session_user, 'tenantd_owner', 'member')) then
    raise exception using errcode = 'TD403', message = 'only a super_admin may provision tenants';
  end if;
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

revoke all on function tenantd.enqueue_provisioning(uuid) from public;
grant execute on function tenantd.enqueue_provisioning(uuid) to tenantd_app;
