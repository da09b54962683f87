-- api.signup(ctx, organization_name, slug, plan, admin_email, admin_password_hash,
-- invitation_nonce, invitation_token_hash): the second call of POST /v1/signup.
-- tenantd.signup creates the tenant as pending and enqueues its provisioning job; the answer is
-- 202 {tenant_id, status, status_url, admin: "password"|"invitation"} with its Location.
-- Honours Idempotency-Key: a replay answers the stored 202 without creating a second tenant.
-- Errors: those of tenantd.signup.
create or replace function api.signup(
  ctx jsonb,
  p_organization_name text,
  p_slug text,
  p_plan text,
  p_admin_email text,
  p_admin_password_hash text,
  p_invitation_nonce bytea,
  p_invitation_token_hash bytea
) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_replay tenantd.reply;
  v_new record;
begin
  perform tenantd.enter(ctx);
  v_replay := tenantd.idempotent_replay(ctx);
  if v_replay is not null then
    return v_replay;
  end if;
  select * into v_new
    from tenantd.signup(p_organization_name, p_slug, p_plan, p_admin_email, p_admin_password_hash, null,
                        p_invitation_nonce, p_invitation_token_hash);
  return tenantd.idempotent_store(ctx, tenantd.reply(202,
    (select row_to_json(x)
       from (select v_new.tenant_id as tenant_id, v_new.status as status,
                    '/v1/tenant-status/' || v_new.tenant_id as status_url,
                    case when p_admin_password_hash is not null then 'password' else 'invitation' end as admin) x),
    json_build_object('Location', '/v1/tenant-status/' || v_new.tenant_id)));
end
$$;

revoke all on function api.signup(jsonb, text, text, text, text, text, bytea, bytea) from public;
grant execute on function api.signup(jsonb, text, text, text, text, text, bytea, bytea) to tenantd_app;
