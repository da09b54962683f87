-- api.auth_logout(ctx, tenant_id, refresh_hash): POST /v1/auth/logout. Revokes the session
-- family of a live refresh token (tenantd.auth_logout) and answers 204 whether or not the
-- token was live (RFC 7009 §2.2); a token the service could not read a tenant from comes as
-- NULLs and changes nothing.
create or replace function api.auth_logout(ctx jsonb, p_tenant_id uuid, p_refresh_hash bytea)
returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  perform tenantd.enter(ctx);
  if p_tenant_id is not null and p_refresh_hash is not null then
    perform tenantd.auth_logout(p_tenant_id, p_refresh_hash);
  end if;
  return tenantd.reply(204, null, json_build_object('Cache-Control', 'no-store'));
end
$$;

revoke all on function api.auth_logout(jsonb, uuid, bytea) from public;
grant execute on function api.auth_logout(jsonb, uuid, bytea) to tenantd_app;
