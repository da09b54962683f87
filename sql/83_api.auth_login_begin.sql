-- api.auth_login_begin(ctx, tenant, email): the first of the two calls of POST /v1/auth/token
-- (the service derives the scrypt key between them, outside any transaction: a named exception
-- to one statement per request, docs/architecture.md). tenantd.auth_login_begin resolves the
-- tenant, applies the lockout, records the attempt and finds the credential's scrypt
-- parameters; the answer is 200 {outcome, retry_after, attempt_id, tenant_id, key_params} for
-- the service alone (never shown to the client: the stored key never leaves the database).
create or replace function api.auth_login_begin(ctx jsonb, p_tenant_ref text, p_email text)
returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_body json;
begin
  perform tenantd.enter(ctx);
  select json_build_object('outcome', b.outcome, 'retry_after', b.retry_after, 'attempt_id', b.attempt_id,
                           'tenant_id', b.tenant_id, 'key_params', b.key_params)
    into v_body
    from tenantd.auth_login_begin(p_tenant_ref, p_email) b;
  if v_body is null then
    raise exception using errcode = 'TD500', message = 'login answered nothing';
  end if;
  return tenantd.reply(200, v_body);
end
$$;

revoke all on function api.auth_login_begin(jsonb, text, text) from public;
grant execute on function api.auth_login_begin(jsonb, text, text) to tenantd_app;
