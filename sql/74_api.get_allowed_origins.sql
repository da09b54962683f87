-- api.get_allowed_origins(ctx): GET /v1/allowed-origins, the current tenant's allowed origins
-- in alphabetical order: {"origins": [...]}. The list is bounded (api.put_allowed_origins), so it
-- is answered whole, in the shape PUT takes. The route needs config:read; the select policy
-- repeats it.
create or replace function api.get_allowed_origins(ctx jsonb) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid;
  v_origins text[];
begin
  v_tenant := tenantd.enter(ctx);
  select coalesce(array_agg(o.origin order by o.origin), '{}') into v_origins
    from tenantd.allowed_origins o where o.tenant_id = v_tenant;
  return tenantd.reply(200, json_build_object('origins', to_json(v_origins)));
end
$$;

revoke all on function api.get_allowed_origins(jsonb) from public;
grant execute on function api.get_allowed_origins(jsonb) to tenantd_app;
