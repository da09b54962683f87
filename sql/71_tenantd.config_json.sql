-- tenantd.config_json(id, type, key, value, is_active, created_at, updated_at, created_by,
-- updated_by): the API's configuration entry object. The value is the stored JSON as it is,
-- a sealed secret with what the service needs to open it (tenantd.config_value_out).
create or replace function tenantd.config_json(
  p_id uuid, p_type text, p_key text, p_value jsonb, p_is_active boolean,
  p_created_at timestamptz, p_updated_at timestamptz, p_created_by uuid, p_updated_by uuid
) returns json
language sql stable parallel safe
as $$
  select json_build_object('id', p_id, 'type', p_type, 'key', p_key, 'value', tenantd.config_value_out(p_type, p_value),
                           'is_active', p_is_active, 'created_at', tenantd.rfc3339(p_created_at),
                           'updated_at', tenantd.rfc3339(p_updated_at),
                           'created_by', p_created_by, 'updated_by', p_updated_by)
$$;

revoke all on function tenantd.config_json(uuid, text, text, jsonb, boolean, timestamptz, timestamptz, uuid, uuid)
  from public;
grant execute on function tenantd.config_json(uuid, text, text, jsonb, boolean, timestamptz, timestamptz, uuid, uuid)
  to tenantd_app, tenantd_readonly;
