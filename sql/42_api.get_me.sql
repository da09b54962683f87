-- api.get_me(ctx): GET /v1/me and /v1/tenants/{tenant}/me: who the caller is, and in which
-- tenant. `role` is the effective role tenantd.enter set (the membership's current one,
-- narrowed by the token's claim), not the claim. `user` is the caller's identity with the
-- profile of its membership in the tenant the request acts in (row-level security limits
-- memberships to it, so never a profile set in another tenant); NULL for a principal without a
-- user (an operator).
create or replace function api.get_me(ctx jsonb) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.enter(ctx);
  v_user uuid := tenantd.current_user_id();
  v_user_json json;
  v_display_name text;
  v_membership_role text;
begin
  -- Two statements, not users LEFT JOIN memberships: on Citus 13.2.2 that join (a reference
  -- table with a distributed one not pruned to a shard, as without a tenant) crashed the
  -- coordinator (segfault); the membership is read only in a tenant, on its one shard.
  if v_user is not null then
    if v_tenant is not null then
      select m.display_name, m.role into v_display_name, v_membership_role
        from tenantd.memberships m
       where m.user_id = v_user and m.tenant_id = v_tenant;
    end if;
    select json_build_object('id', u.id, 'email', u.email, 'display_name', v_display_name,
                             'membership_role', v_membership_role)
      into v_user_json
      from tenantd.users u
     where u.id = v_user;
  end if;
  return tenantd.reply(200, json_build_object(
    'sub', coalesce(pg_catalog.current_setting('app.subject', true), ''),
    'role', coalesce(tenantd.current_role_name(), ''),
    'tenant_id', v_tenant,
    'user', v_user_json));
end
$$;

revoke all on function api.get_me(jsonb) from public;
grant execute on function api.get_me(jsonb) to tenantd_app;
