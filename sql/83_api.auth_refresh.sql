-- api.auth_refresh(ctx, tenant_id, old_hash, new_hash, refresh_ttl_days): POST
-- /v1/auth/refresh, one call. tenantd.auth_refresh rotates the refresh token (reuse revokes the
-- family). Answers 200 {outcome, user_id, role} for the service, which signs the new access
-- token (the signing key is not in the database: why the route answers by itself, though with
-- one statement). Never raises for a reused token: the revocation must commit.
create or replace function api.auth_refresh(
  ctx jsonb,
  p_tenant_id uuid,
  p_old_hash bytea,
  p_new_hash bytea,
  p_refresh_ttl_days int
) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_body json;
begin
  perform tenantd.enter(ctx);
  select json_build_object('outcome', r.outcome, 'user_id', r.user_id, 'role', r.role)
    into v_body
    from tenantd.auth_refresh(p_tenant_id, p_old_hash, p_new_hash, p_refresh_ttl_days) r;
  if v_body is null then
    raise exception using errcode = 'TD500', message = 'refresh answered nothing';
  end if;
  return tenantd.reply(200, v_body);
end
$$;

revoke all on function api.auth_refresh(jsonb, uuid, bytea, bytea, int) from public;
grant execute on function api.auth_refresh(jsonb, uuid, bytea, bytea, int) to tenantd_app;
