-- api.get_member(ctx, user_id): GET /v1/users/{id}, one member of the current tenant.
-- TDN08 user_not_found when row-level security shows no such membership (absent, in another
-- tenant, or not the caller's to read: the answer is the same, so it tells nothing).
create or replace function api.get_member(ctx jsonb, p_user_id uuid) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_body json;
  v_tenant uuid;
begin
  v_tenant := tenantd.enter(ctx);
  select tenantd.member_json(m.user_id, m.email, m.display_name, m.role, m.created_at, m.disabled or m.user_disabled) into v_body
    from tenantd.memberships m
   where m.user_id = p_user_id
     and m.tenant_id = v_tenant;
  if v_body is null then
    raise exception using errcode = 'TDN08', message = 'no such user in this tenant';
  end if;
  return tenantd.reply(200, v_body);
end
$$;

revoke all on function api.get_member(jsonb, uuid) from public;
grant execute on function api.get_member(jsonb, uuid) to tenantd_app;
