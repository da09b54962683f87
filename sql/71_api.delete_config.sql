-- api.delete_config(ctx, type, key): DELETE /v1/config/{type}/{key}: removes one entry
-- (tenantd.delete_config: address and permission rules, TDN01 config_not_found, the audit row).
-- 204.
create or replace function api.delete_config(ctx jsonb, p_type text, p_key text) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  perform tenantd.enter(ctx);
  perform tenantd.delete_config(p_type, p_key);
  return tenantd.reply(204);
end
$$;

revoke all on function api.delete_config(jsonb, text, text) from public;
grant execute on function api.delete_config(jsonb, text, text) to tenantd_app;
