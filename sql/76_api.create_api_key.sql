-- api.create_api_key(ctx, name, permissions, expires_at): POST /v1/api-keys {name, permissions[],
-- expires_at?}. 201 with the key and, once, the key itself ('tdk_…'); only its SHA-256 is kept.
-- Counted against the plan's api_keys (tenantd.consume_quota: active keys, tenantd.quota_used)
-- and audited ('api_key.create', with the public prefix, never the key).
-- No Idempotency-Key: a stored answer would be a copy of the key in the idempotency records.
-- Errors: TD403 (no api_keys:manage, or not a member acting as themself), those of
-- tenantd.insert_api_key (TDV07, TDF03, TD422), TDF07 quota_exceeded, TDS01, TDB06 (expires_at).
create or replace function api.create_api_key(ctx jsonb, p_name text, p_permissions text[], p_expires_at text)
returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid;
  v_new record;
begin
  v_tenant := tenantd.enter(ctx);
  perform tenantd.require_permission('api_keys:manage', 'managing API keys');
  -- before the insert, holding the metric's lock until commit: the active keys counted now
  -- plus this one must fit the plan
  perform tenantd.consume_quota('api_keys');
  v_new := tenantd.insert_api_key(p_name, p_permissions, tenantd.parse_rfc3339(p_expires_at, 'expires_at'));
  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (v_tenant, 'api_key.create', 'api_key', v_new.id::text,
          jsonb_build_object('name', p_name, 'prefix', pg_catalog.left(v_new.key, 12),
                             'permissions', to_jsonb(v_new.permissions),
                             'expires_at', tenantd.rfc3339(tenantd.parse_rfc3339(p_expires_at, 'expires_at'))));
  return tenantd.reply(201, tenantd.api_key_reply_json(v_new.id, v_new.key),
                       json_build_object('Location', '/v1/api-keys/' || v_new.id));
end
$$;

revoke all on function api.create_api_key(jsonb, text, text[], text) from public;
grant execute on function api.create_api_key(jsonb, text, text[], text) to tenantd_app;
