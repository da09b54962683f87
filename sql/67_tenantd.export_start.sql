-- tenantd.export_start(tenant, export): the 'tenant.export' job's first step, in its transaction:
-- locks the export, marks it running and answers what the job needs: {"include_secrets",
-- "created_at", "keys": [the tenant's wrapped data keys, only when secrets are to be opened]}
-- (the tables are tenantd.export_tables(), read by the job itself), or {"skip": true} for an export that
-- is already done or failed (a job run again after its lease ran out).
--   TD404 no such export of that tenant
-- SECURITY DEFINER: the worker has no rights on tenant_exports or tenant_data_keys. It sets the
-- export's tenant and export:create as the context (transaction-locally, cleared again), so the
-- tenant's own policies of tenant_exports decide what it changes; the wrapped keys come through
-- the owner policy of tenant_data_keys, for this tenant only. tenantd_worker only. The rows
-- themselves are NOT read here: tenantd.export_rows reads them as tenantd_readonly.
create or replace function tenantd.export_start(p_tenant uuid, p_export uuid) returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_export tenantd.tenant_exports;
  v_out jsonb;
  -- a variable, not now() in the COALESCE: Citus refuses non-immutable functions inside a
  -- COALESCE of a distributed UPDATE; a plpgsql variable reaches it as a constant
  v_now timestamptz := now();
begin
  perform set_config('app.tenant_id', p_tenant::text, true),
          set_config('app.permissions', ',export:create,', true);
  perform tenantd.propagate_context();  -- on Citus, the shards' policies see it too
  select * into v_export from tenantd.tenant_exports e
   where e.tenant_id = p_tenant and e.id = p_export for update;
  if not found then
    raise exception using errcode = 'TD404', message = 'no such export of this tenant';
  end if;
  if v_export.status in ('done', 'failed') then
    perform set_config('app.tenant_id', '', true), set_config('app.permissions', '', true);
    perform tenantd.propagate_context();
    return jsonb_build_object('skip', true);
  end if;
  update tenantd.tenant_exports e set status = 'running', started_at = coalesce(e.started_at, v_now)
   where e.tenant_id = p_tenant and e.id = p_export;
  select jsonb_build_object(
           'include_secrets', v_export.include_secrets,
           'created_at', tenantd.rfc3339(v_export.created_at),
           'keys', case when v_export.include_secrets then
                     coalesce((select jsonb_agg(jsonb_build_object('id', k.id, 'kek_id', k.kek_id,
                                                                   'wrapped_key', k.wrapped_key))
                                 from tenantd.tenant_data_keys k where k.tenant_id = p_tenant), '[]')
                   else '[]'::jsonb end)
    into v_out;
  perform set_config('app.tenant_id', '', true), set_config('app.permissions', '', true);
  perform tenantd.propagate_context();
  return v_out;
end
$$;

revoke all on function tenantd.export_start(uuid, uuid) from public;
grant execute on function tenantd.export_start(uuid, uuid) to tenantd_worker;
