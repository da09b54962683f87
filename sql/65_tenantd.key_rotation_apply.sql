-- tenantd.key_rotation_apply(tenant, new_key, values): the 'tenant.rotate_key' job's write, in
-- the transaction of tenantd.key_rotation_read (whose exclusive lock it relies on): retires the
-- active data key, stores `new_key` ({"id", "kek_id", "wrapped_key"}, made and wrapped by the
-- worker) as the active one, replaces each entry's value by its re-sealed form (`values`: array
-- of {"id", "value"}; all sealed under the new key), shreds every other key of the tenant, and
-- writes a 'data_key.rotated' audit row (ids and counts, never a value). Returns the number of
-- values re-sealed.
-- SECURITY DEFINER for the reason of tenantd.key_rotation_read; tenantd_worker only. The
-- values are written under the tenant's own policies (context set transaction-locally); the
-- keys through the owner policies of tenant_data_keys (retire, shred).
create or replace function tenantd.key_rotation_apply(p_tenant uuid, p_new_key jsonb, p_values jsonb)
returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_new uuid := tenantd.parse_uuid(p_new_key ->> 'id');
  v_count integer := 0;
  v_shredded integer;
begin
  if v_new is null then
    raise exception using errcode = 'TD422', message = 'key_rotation_apply: the new key needs an id';
  end if;
  update tenantd.tenant_data_keys k set state = 'retired', retired_at = now()
   where k.tenant_id = p_tenant and k.state = 'active';
  -- through set_context: on Citus the tenant's shards are read and written on the workers,
  -- which get the context as SET LOCAL only (a set_config call is not forwarded)
  perform tenantd.set_context(array['app.tenant_id', 'app.permissions'],
                              array[p_tenant::text, ',config:read,config:write,config:secrets,']);
  insert into tenantd.tenant_data_keys (tenant_id, id, kek_id, wrapped_key)
  values (p_tenant, v_new, p_new_key ->> 'kek_id', p_new_key ->> 'wrapped_key');
  update tenantd.tenant_configs c set value = v.value
    from jsonb_to_recordset(coalesce(p_values, '[]')) as v(id uuid, value jsonb)
   where c.tenant_id = p_tenant and c.id = v.id and tenantd.is_secret_config_type(c.type)
     and tenantd.is_sealed_value(v.value) and v.value ->> 'kid' = v_new::text;
  get diagnostics v_count = row_count;
  delete from tenantd.tenant_data_keys k where k.tenant_id = p_tenant and k.id <> v_new;
  get diagnostics v_shredded = row_count;
  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (p_tenant, 'data_key.rotated', 'data_key', v_new::text,
          jsonb_build_object('resealed', v_count, 'keys_shredded', v_shredded));
  perform tenantd.set_context(array['app.tenant_id', 'app.permissions'], array['', '']);
  return v_count;
end
$$;

revoke all on function tenantd.key_rotation_apply(uuid, jsonb, jsonb) from public;
grant execute on function tenantd.key_rotation_apply(uuid, jsonb, jsonb) to tenantd_worker;
