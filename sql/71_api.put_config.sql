-- api.put_config(ctx, type, key, value, is_active): PUT /v1/config/{type}/{key}. Creates or
-- replaces one entry (tenantd.put_config: address, permission, size rules and the audit row);
-- answers the entry, 201 with its Location when it was created now, else 200. is_active NULL
-- keeps the stored flag (true for a new entry).
create or replace function api.put_config(
  ctx jsonb,
  p_type text,
  p_key text,
  p_value jsonb,
  p_is_active boolean
) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_entry record;
begin
  perform tenantd.enter(ctx);
  select * into v_entry from tenantd.put_config(p_type, p_key, p_value, p_is_active);
  return tenantd.reply(
    case when v_entry.created then 201 else 200 end,
    tenantd.config_json(v_entry.id, v_entry.type, v_entry.key, v_entry.value, v_entry.is_active,
                        v_entry.created_at, v_entry.updated_at, v_entry.created_by, v_entry.updated_by),
    case when v_entry.created
         then json_build_object('Location', '/v1/config/' || p_type || '/' || p_key) end);
end
$$;

revoke all on function api.put_config(jsonb, text, text, jsonb, boolean) from public;
grant execute on function api.put_config(jsonb, text, text, jsonb, boolean) to tenantd_app;
