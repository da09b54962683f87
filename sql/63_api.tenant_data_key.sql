-- api.tenant_data_key(ctx, key_id, kek_id, wrapped_key): not a route. The service's second
-- statement before sealing a secret, sent only when its cache does not know the tenant's
-- active key: {"tenant_id": …, "key": {"id", "kek_id", "wrapped_key"} | null}. With a key
-- given, stores it as the tenant's first key unless another process stored one first
-- (tenantd.active_data_key), and answers whichever is active.
create or replace function api.tenant_data_key(ctx jsonb, p_key_id uuid, p_kek_id text, p_wrapped_key text)
returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_key record;
begin
  perform tenantd.enter(ctx);
  select * into v_key from tenantd.active_data_key(p_key_id, p_kek_id, p_wrapped_key);
  return tenantd.reply(200, json_build_object(
    'tenant_id', tenantd.current_tenant_id(),
    'key', case when v_key.id is not null
                then json_build_object('id', v_key.id, 'kek_id', v_key.kek_id,
                                       'wrapped_key', v_key.wrapped_key) end));
end
$$;

revoke all on function api.tenant_data_key(jsonb, uuid, text, text) from public;
grant execute on function api.tenant_data_key(jsonb, uuid, text, text) to tenantd_app;
