-- api.auth_login_complete(ctx, attempt_id, tenant_id, derived_hash, refresh_hash,
-- refresh_ttl_days): the second call of POST /v1/auth/token. tenantd.auth_login_complete
-- compares the derived key with the credential inside the database and, on a match, starts a
-- session family. Answers 200 {outcome, user_id, role} for the service, which signs the access
-- token (the signing key is not in the database). Never raises for a wrong password: the
-- failed attempt must commit (it counts toward the lockout).
create or replace function api.auth_login_complete(
  ctx jsonb,
  p_attempt_id uuid,
  p_tenant_id uuid,
  p_derived_hash text,
  p_refresh_hash bytea,
  p_refresh_ttl_days int
) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_body json;
begin
  perform tenantd.enter(ctx);
  select json_build_object('outcome', c.outcome, 'user_id', c.user_id, 'role', c.role)
    into v_body
    from tenantd.auth_login_complete(p_attempt_id, p_tenant_id, p_derived_hash, p_refresh_hash,
                                     p_refresh_ttl_days) c;
  if v_body is null then
    raise exception using errcode = 'TD500', message = 'login answered nothing';
  end if;
  return tenantd.reply(200, v_body);
end
$$;

revoke all on function api.auth_login_complete(jsonb, uuid, uuid, text, bytea, int) from public;
grant execute on function api.auth_login_complete(jsonb, uuid, uuid, text, bytea, int) to tenantd_app;
