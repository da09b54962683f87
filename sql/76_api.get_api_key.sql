-- api.get_api_key(ctx, id): GET /v1/api-keys/{id}. Another tenant's key answers like a missing
-- one (TDN10 api_key_not_found): the policies hide it.
create or replace function api.get_api_key(ctx jsonb, p_id uuid) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_json json;
begin
  perform tenantd.enter(ctx);
  perform tenantd.require_permission('api_keys:manage', 'managing API keys');
  select tenantd.api_key_json(k.id, k.name, k.prefix, k.permissions, k.created_by, k.created_at,
                              k.expires_at, k.last_used_at, k.revoked_at, k.replaced_by)
    into v_json
    from tenantd.api_keys k
   where k.tenant_id = tenantd.current_tenant_id() and k.id = p_id;
  if v_json is null then
    raise exception using errcode = 'TDN10', message = 'no such API key in this tenant';
  end if;
  return tenantd.reply(200, v_json);
end
$$;

revoke all on function api.get_api_key(jsonb, uuid) from public;
grant execute on function api.get_api_key(jsonb, uuid) to tenantd_app;
