-- tenantd.request_purge(tenant, requested_by): starts the purge of a soft-deleted tenant: its
-- tombstone (id, slug hash, deleted_at; the purge adds counts and purged_at) and the first
-- 'tenant.purge' job. A second request for the same tenant changes nothing and returns the
-- existing tombstone's job. Returns the job id.
--   TD404 no such tenant      TDC06 the tenant is not deleted (purge only what was deleted)
-- SECURITY DEFINER: tombstones and jobs are owner-only platform tables. Called by
-- api.purge_tenant (a registered operator, checked here as in tenantd.list_jobs, not through the
-- forgeable app.role alone), by tenantd.enqueue_due_purges (the worker) and by owner sessions.
create or replace function tenantd.request_purge(p_tenant uuid, p_requested_by text) returns bigint
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant record;
begin
  if not (tenantd.current_role_name() is not distinct from 'super_admin'
          and tenantd.is_platform_admin(pg_catalog.current_setting('app.subject', true)))
     and not pg_catalog.pg_has_role(session_user, 'tenantd_worker', 'member')
     and not pg_catalog.pg_has_role(session_user, 'tenantd_owner', 'member') then
    raise exception using errcode = 'TD403', message = 'only a platform operator may purge a tenant';
  end if;
  select t.id, t.slug, t.deleted_at into v_tenant from tenantd.tenants t where t.id = p_tenant;
  if not found then
    raise exception using errcode = 'TD404', message = 'no such tenant';
  end if;
  if v_tenant.deleted_at is null then
    raise exception using errcode = 'TDC06',
      message = 'only a deleted tenant can be purged: delete it first (DELETE /v1/tenants/{tenant})';
  end if;
  insert into tenantd.tenant_tombstones (id, slug_sha256, deleted_at, requested_by)
  values (v_tenant.id, sha256(convert_to(v_tenant.slug, 'UTF8')), v_tenant.deleted_at,
          coalesce(p_requested_by, 'unknown'))
  on conflict (id) do nothing;
  -- the first job of the chain, once per tenant (dedupe key); the job queues its successors
  return tenantd.enqueue_job('tenant.purge', jsonb_build_object('tenant_id', v_tenant.id), now(), 10,
                             'tenant.purge:' || v_tenant.id::text);
end
$$;

revoke all on function tenantd.request_purge(uuid, text) from public;
grant execute on function tenantd.request_purge(uuid, text) to tenantd_app;
