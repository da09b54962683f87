-- tenantd.reprovision_tenant(tenant): POST /v1/tenants/{id}/reprovision — a super admin retries the
-- provisioning of a failed tenant (after fixing the cause, e.g. its plan). Queues the tenant's
-- 'tenant.provision' job again now with its attempts reset (tenantd.enqueue_provisioning: the
-- same job row, dedupe key 'provision:<id>'), sets provisioning_status 'queued' and writes a
-- 'tenant.reprovision_requested' audit row. The tenant stays 'failed' until the job moves it
-- on. Returns (tenant_id, status).
-- Errors: TD403 not a super admin; TD404 tenant_not_found; TD409 invalid_state (not failed).
-- Race: the tenant row lock; a worker provisioning it at the same moment holds that lock, so
-- the state read here is the committed one.
-- Security invoker: the caller's own super-admin policies lock and update the tenant row and
-- tenantd.tenant_audit writes the audit row; the one step on tenantd.jobs (no grants for the
-- app) is tenantd.enqueue_provisioning's. is_super_admin() is therefore judged as the caller:
-- a registered operator, not a forged app.role (which the owner's rights would honour).
create or replace function tenantd.reprovision_tenant(p_tenant uuid)
returns table (tenant_id uuid, status text)
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
#variable_conflict use_column
declare
  v_row tenantd.tenants%rowtype;
begin
  if not tenantd.is_super_admin() then
    raise exception using errcode = 'TD403', message = 'only a super_admin may reprovision tenants';
  end if;
  -- "for no key update", not "for update": the request already holds a key-share lock on this
  -- row when a super admin's entry wrote its audit row (the audit_log foreign key), and two such
  -- requests each upgrading to "for update" deadlock. The change below touches no key column.
  select * into v_row from tenantd.tenants t where t.id = p_tenant for no key update;
  if not found or v_row.deleted_at is not null then
    raise exception using errcode = 'TDN05', message = 'no such tenant';
  end if;
  if v_row.status <> 'failed' then
    raise exception using errcode = 'TDC06',
      message = format('only a failed tenant can be reprovisioned (this one is %s)', v_row.status);
  end if;
  perform tenantd.request_provisioning(p_tenant);
  update tenantd.tenants t set provisioning_status = 'queued' where t.id = p_tenant;
  perform tenantd.tenant_audit(p_tenant, 'tenant.reprovision_requested',
    jsonb_build_object('previous_error', v_row.provisioning_error, 'attempts', v_row.provisioning_attempts));
  return query select p_tenant, v_row.status;
end
$$;

revoke all on function tenantd.reprovision_tenant(uuid) from public;
grant execute on function tenantd.reprovision_tenant(uuid) to tenantd_app;
