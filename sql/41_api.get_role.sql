-- api.get_role(ctx, role_id): GET /v1/roles/{id}, one role of the current tenant.
-- TDN04 role_not_found when row-level security shows no such role (absent or another
-- tenant's: the answer is the same, so it tells nothing).
create or replace function api.get_role(ctx jsonb, p_role_id uuid) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_body json;
begin
  perform tenantd.enter(ctx);
  v_body := tenantd.role_body(p_role_id);
  if v_body is null then
    raise exception using errcode = 'TDN04', message = 'no such role in this tenant';
  end if;
  return tenantd.reply(200, v_body);
end
$$;

revoke all on function api.get_role(jsonb, uuid) from public;
grant execute on function api.get_role(jsonb, uuid) to tenantd_app;
