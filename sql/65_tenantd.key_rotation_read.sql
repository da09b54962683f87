-- tenantd.key_rotation_read(tenant): what the 'tenant.rotate_key' job needs to re-seal a tenant's
-- secrets: {"keys": [{"id", "kek_id", "wrapped_key", "state"}], "secrets": [{"id", "type",
-- "key", "value"}]} (every configuration entry of a secret type, sealed or, written before
-- encryption existed, in clear). Takes the tenant's data key lock exclusively first
-- (tenantd.data_key_lock), held until the job's transaction ends, so no secret write commits in
-- between.
-- SECURITY DEFINER: the job runs as tenantd_worker, which has no rights on either table. It sets
-- the tenant as the context (transaction-locally, with the config permissions) so the tenant's
-- own policies decide what it reads, and clears it again. tenantd_worker only.
create or replace function tenantd.key_rotation_read(p_tenant uuid) returns jsonb
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_out jsonb;
begin
  perform tenantd.data_key_lock(p_tenant, true);
  -- through set_context: on Citus the tenant's shards are read and written on the workers,
  -- which get the context as SET LOCAL only (a set_config call is not forwarded)
  perform tenantd.set_context(array['app.tenant_id', 'app.permissions'],
                              array[p_tenant::text, ',config:read,config:write,config:secrets,']);
  select jsonb_build_object(
           'keys', coalesce((select jsonb_agg(jsonb_build_object('id', k.id, 'kek_id', k.kek_id,
                                                                  'wrapped_key', k.wrapped_key, 'state', k.state)
                                              order by k.created_at)
                               from tenantd.tenant_data_keys k where k.tenant_id = p_tenant), '[]'),
           'secrets', coalesce((select jsonb_agg(jsonb_build_object('id', c.id, 'type', c.type, 'key', c.key,
                                                                     'value', c.value) order by c.type, c.key)
                                  from tenantd.tenant_configs c
                                 where c.tenant_id = p_tenant and tenantd.is_secret_config_type(c.type)), '[]'))
    into v_out;
  perform tenantd.set_context(array['app.tenant_id', 'app.permissions'], array['', '']);
  return v_out;
end
$$;

revoke all on function tenantd.key_rotation_read(uuid) from public;
grant execute on function tenantd.key_rotation_read(uuid) to tenantd_worker;
