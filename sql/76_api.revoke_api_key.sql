-- api.revoke_api_key(ctx, id): POST /v1/api-keys/{id}/revoke. The key stops working at commit
-- (tenantd.enter refuses it: 401 invalid_api_key). Idempotent: revoking a revoked key answers it
-- as it is, without a second audit row. Audited ('api_key.revoke'). The answer is the key as it
-- now is. Errors: TD403, TDN10 api_key_not_found.
create or replace function api.revoke_api_key(ctx jsonb, p_id uuid) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid;
  v_json json;
  v_prefix text;
begin
  v_tenant := tenantd.enter(ctx);
  perform tenantd.require_permission('api_keys:manage', 'managing API keys');
  update tenantd.api_keys k
     set revoked_at = pg_catalog.now(), revoked_by = tenantd.current_user_id()
   where k.tenant_id = v_tenant and k.id = p_id and k.revoked_at is null
  returning k.prefix into v_prefix;
  if v_prefix is not null then
    insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
    values (v_tenant, 'api_key.revoke', 'api_key', p_id::text, jsonb_build_object('prefix', v_prefix));
  end if;
  select tenantd.api_key_json(k.id, k.name, k.prefix, k.permissions, k.created_by, k.created_at,
                              k.expires_at, k.last_used_at, k.revoked_at, k.replaced_by)
    into v_json
    from tenantd.api_keys k
   where k.tenant_id = v_tenant and k.id = p_id;
  if v_json is null then
    raise exception using errcode = 'TDN10', message = 'no such API key in this tenant';
  end if;
  return tenantd.reply(200, v_json);
end
$$;

revoke all on function api.revoke_api_key(jsonb, uuid) from public;
grant execute on function api.revoke_api_key(jsonb, uuid) to tenantd_app;
