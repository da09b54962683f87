-- api.list_config_type(ctx, type): GET /v1/config/{type}, the current tenant's entries of one
-- type ordered by key, as {"type": type, "data": [...]}. tenantd.list_config refuses an unknown
-- type (TDB02 invalid_config_type) and a type the caller may not read (TD403: config:read, and
-- config:secrets for integrations) rather than answering an empty list.
create or replace function api.list_config_type(ctx jsonb, p_type text) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_entries json[];
begin
  perform tenantd.enter(ctx);
  -- tenantd.list_config raises before it returns a row, so an empty type still gets checked
  v_entries := array(select tenantd.config_json(c.id, c.type, c.key, c.value, c.is_active, c.created_at,
                                                c.updated_at, c.created_by, c.updated_by)
                       from tenantd.list_config(p_type) c
                      order by c.key);
  return tenantd.reply(200, json_build_object('type', p_type,
                                              'data', coalesce(array_to_json(v_entries), '[]'::json)));
end
$$;

revoke all on function api.list_config_type(jsonb, text) from public;
grant execute on function api.list_config_type(jsonb, text) to tenantd_app;
