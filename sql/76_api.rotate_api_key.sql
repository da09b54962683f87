-- api.rotate_api_key(ctx, id, grace_seconds): POST /v1/api-keys/{id}/rotate {grace_seconds?}.
-- 201 with a new key (shown once) of the same name, permissions and expiry, made by the caller;
-- the old key keeps working for grace_seconds (0 to 604800, default 86400), then expires
-- (its expires_at is brought forward, never pushed back) and names its successor (replaced_by).
-- The caller becomes the new key's creator, so its permissions must all be the caller's
-- (TDF03): a member who takes over a departing colleague's keys rotates them. A revoked, expired
-- or already rotated key cannot be rotated (TDC18 api_key_not_rotatable). The new key consumes
-- no quota: it replaces one. Audited ('api_key.rotate', both prefixes, never a key).
-- Errors: TD403, TDN10, TDC18, TD422 (grace), TDF03.
create or replace function api.rotate_api_key(ctx jsonb, p_id uuid, p_grace_seconds int) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid;
  v_old record;
  v_new record;
  v_ends timestamptz;
begin
  v_tenant := tenantd.enter(ctx);
  perform tenantd.require_permission('api_keys:manage', 'managing API keys');
  if p_grace_seconds is null or p_grace_seconds not between 0 and 604800 then
    raise exception using errcode = 'TD422', message = 'grace_seconds must be 0 to 604800 (7 days)';
  end if;
  -- locked: two rotations of one key at once make one successor, the second finds it rotated
  select k.id, k.name, k.prefix, k.permissions, k.expires_at, k.revoked_at, k.replaced_by into v_old
    from tenantd.api_keys k
   where k.tenant_id = v_tenant and k.id = p_id
     for update;
  if not found then
    raise exception using errcode = 'TDN10', message = 'no such API key in this tenant';
  end if;
  if v_old.revoked_at is not null or v_old.replaced_by is not null
     or (v_old.expires_at is not null and v_old.expires_at <= pg_catalog.now()) then
    raise exception using errcode = 'TDC18',
      message = 'only an active key that has not been rotated yet can be rotated';
  end if;
  v_new := tenantd.insert_api_key(v_old.name, v_old.permissions, v_old.expires_at);
  v_ends := least(coalesce(v_old.expires_at, 'infinity'::timestamptz),
                  pg_catalog.now() + pg_catalog.make_interval(secs => p_grace_seconds));
  update tenantd.api_keys k set expires_at = v_ends, replaced_by = v_new.id
   where k.tenant_id = v_tenant and k.id = p_id;
  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (v_tenant, 'api_key.rotate', 'api_key', p_id::text,
          jsonb_build_object('prefix', v_old.prefix, 'replaced_by', v_new.id,
                             'new_prefix', pg_catalog.left(v_new.key, 12),
                             'old_key_expires_at', tenantd.rfc3339(v_ends)));
  return tenantd.reply(201, tenantd.api_key_reply_json(v_new.id, v_new.key),
                       json_build_object('Location', '/v1/api-keys/' || v_new.id));
end
$$;

revoke all on function api.rotate_api_key(jsonb, uuid, int) from public;
grant execute on function api.rotate_api_key(jsonb, uuid, int) to tenantd_app;
