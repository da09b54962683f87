-- api.list_api_keys(ctx, limit, after): GET /v1/api-keys, the tenant's keys (revoked and expired
-- ones too, with their status) in id order; the cursor is the last id of the page. Never a hash
-- or a key. Row-level security decides what the caller sees (api_keys:manage).
create or replace function api.list_api_keys(ctx jsonb, p_limit int, p_after text) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_rows json[];
  v_after uuid;
begin
  perform tenantd.enter(ctx);
  perform tenantd.require_permission('api_keys:manage', 'managing API keys');
  if p_limit is null or p_limit not between 1 and 200 then
    raise exception using errcode = 'TD400', message = 'limit must be between 1 and 200';
  end if;
  v_after := tenantd.parse_uuid(p_after);
  if p_after is not null and v_after is null then
    raise exception using errcode = 'TDB03', message = 'the cursor is not valid';
  end if;
  -- one row more than asked: it only says whether another page exists
  v_rows := array(select tenantd.api_key_json(k.id, k.name, k.prefix, k.permissions, k.created_by,
                                              k.created_at, k.expires_at, k.last_used_at,
                                              k.revoked_at, k.replaced_by)
                    from tenantd.api_keys k
                   where k.tenant_id = tenantd.current_tenant_id()
                     and (v_after is null or k.id > v_after)
                   order by k.id limit p_limit + 1);
  return tenantd.reply(200, tenantd.page(v_rows, p_limit, 'id'));
end
$$;

revoke all on function api.list_api_keys(jsonb, int, text) from public;
grant execute on function api.list_api_keys(jsonb, int, text) to tenantd_app;
