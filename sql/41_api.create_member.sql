-- api.create_member(ctx, email, role, display_name, password_hash, max_tenants): POST
-- /v1/users. Adds the person (tenantd.create_member: find-or-create the identity, check the
-- role and MAX_TENANTS_PER_USER, audit) and answers 201 with the member and its Location.
-- password_hash is computed by the service (scrypt) only after its cheap checks passed.
-- Honours Idempotency-Key: a replay answers the stored 201 without adding anyone again.
create or replace function api.create_member(
  ctx jsonb,
  p_email text,
  p_role text,
  p_display_name text,
  p_password_hash text,
  p_max_tenants int
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
    from tenantd.create_member(p_email, p_role, p_display_name, p_password_hash, p_max_tenants);
  return tenantd.idempotent_store(ctx, tenantd.reply(201,
    tenantd.member_json(v_new.user_id, v_new.email, v_new.display_name, v_new.role, v_new.created_at, false),
    json_build_object('Location', '/v1/users/' || v_new.user_id)));
end
$$;

revoke all on function api.create_member(jsonb, text, text, text, text, int) from public;
grant execute on function api.create_member(jsonb, text, text, text, text, int) to tenantd_app;
