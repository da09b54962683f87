-- tenantd.put_config(type, key, value, is_active): create or replace one configuration entry of the
-- current tenant. is_active NULL keeps the stored flag (true for a new entry). Returns the entry
-- and whether it was created now. Writes a 'config.created' or 'config.updated' audit row in the
-- same transaction; the audit details name the entry and the value's size but never the value
-- (integration settings hold credentials).
-- Errors (the C++ error table maps TDnnn; "code: text" messages set the problem code):
--   TD400 no tenant context, invalid_config_type, invalid_config_key
--   TD403 the caller lacks config:write (config:secrets for type 'integrations')
--   TD422 value missing, config_value_too_large (more than 64 KiB as JSON text)
--   TDK02 a secret type's value not sealed   TDK01 sealed with a key not the tenant's active one
-- Security invoker: the write goes through the caller's policies (config:write) as well.
create or replace function tenantd.put_config(
  p_type text,
  p_key text,
  p_value jsonb,
  p_is_active boolean
) returns table (id uuid, type text, key text, value jsonb, is_active boolean,
                 created_at timestamptz, updated_at timestamptz, created_by uuid,
                 updated_by uuid, created boolean)
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
#variable_conflict use_column
declare
  v_tenant uuid := tenantd.current_tenant_id();
  v_id uuid;
  v_created boolean;
  v_active boolean;
  v_size int;
begin
  if v_tenant is null then
    raise exception using errcode = 'TD400', message = 'no tenant context',
      hint = 'name the tenant in the path, the token or the tenant header';
  end if;
  perform tenantd.check_config_address(p_type, coalesce(p_key, ''));
  if not tenantd.has_permission('config:write') then
    raise exception using errcode = 'TD403',
      message = 'changing configuration needs the config:write permission';
  end if;
  -- integration settings hold credentials: replacing or removing one needs config:secrets too
  if p_type = 'integrations' and not tenantd.has_permission('config:secrets') then
    raise exception using errcode = 'TD403',
      message = 'changing integrations configuration needs the config:secrets permission';
  end if;
  if p_value is null then
    raise exception using errcode = 'TD422', message = 'a value is required (JSON null is allowed)';
  end if;
  -- secret types are stored sealed (the service seals with the tenant's active data key before
  -- this call): refuse clear text, and a value sealed under a key that is not this tenant's
  -- active one (a stale cache in the service, which then asks for the key and retries, or a
  -- ciphertext made for another tenant)
  if tenantd.is_secret_config_type(p_type) then
    if not tenantd.is_sealed_value(p_value) then
      raise exception using errcode = 'TDK02',
        message = format('%s configuration is stored encrypted: write it through the API, '
                         'which seals it with the tenant''s data key', p_type);
    end if;
    perform tenantd.data_key_lock(v_tenant, false);  -- ordered against a key rotation
    if not exists (select 1 from tenantd.tenant_data_keys k
                    where k.tenant_id = v_tenant and k.state = 'active'
                      and k.id = tenantd.parse_uuid(p_value ->> 'kid')) then
      raise exception using errcode = 'TDK01',
        message = 'the value was sealed with a data key that is not this tenant''s active key; retry';
    end if;
  end if;
  v_size := octet_length(p_value::text);
  if v_size > 65536 then
    raise exception using errcode = 'TDV01',
      message = format('a configuration value is at most 65536 bytes '
                       'of JSON text (this one is %s)', v_size);
  end if;

  -- xmax = 0 only on a row version this statement inserted: tells a create from an update
  insert into tenantd.tenant_configs as c (type, key, value, is_active)
  values (p_type, p_key, p_value, coalesce(p_is_active, true))
  on conflict (tenant_id, type, key) do update
     set value = excluded.value,
         is_active = coalesce(p_is_active, c.is_active)
  returning c.id, (c.xmax = 0), c.is_active into v_id, v_created, v_active;

  -- INSERT … VALUES, not INSERT … SELECT: Citus runs an INSERT … SELECT into a table with
  -- volatile defaults (audit_log's id) through COPY, which it refuses under row-level security
  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (v_tenant, case when v_created then 'config.created' else 'config.updated' end,
          'config', p_type || '/' || p_key,
          jsonb_build_object('type', p_type, 'key', p_key, 'is_active', v_active,
                             'value_bytes', v_size));

  return query
    select c.id, c.type, c.key, c.value, c.is_active, c.created_at, c.updated_at,
           c.created_by, c.updated_by, v_created
      from tenantd.tenant_configs c
     where c.tenant_id = v_tenant and c.id = v_id;
end
$$;

revoke all on function tenantd.put_config(text, text, jsonb, boolean) from public;
grant execute on function tenantd.put_config(text, text, jsonb, boolean) to tenantd_app;
