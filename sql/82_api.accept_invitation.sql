-- api.accept_invitation(ctx, token_hash, password_hash, display_name, max_tenants): POST
-- /v1/invitations/accept (public; the token is the credential). tenantd.accept_invitation (the
-- definer step: it finds the invitation by its hash and links or creates the identity) does the
-- work; the answer is 201 {invitation_id, tenant_id, tenant_slug, user_id, email, role,
-- accepted_at}. The context entered first carries the request id, route and client address, so
-- the 'invitation.accepted' audit row has them. Errors: those of tenantd.accept_invitation.
create or replace function api.accept_invitation(
  ctx jsonb,
  p_token_hash bytea,
  p_password_hash text,
  p_display_name text,
  p_max_tenants int
) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_body json;
begin
  perform tenantd.enter(ctx);
  select row_to_json(x) into v_body
    from (select a.invitation_id, a.tenant_id, a.tenant_slug, a.user_id, a.email, a.role,
                 tenantd.rfc3339(a.accepted_at) as accepted_at
            from tenantd.accept_invitation(p_token_hash, p_password_hash, p_display_name, p_max_tenants) a) x;
  if v_body is null then
    raise exception using errcode = 'TD500', message = 'accepting answered nothing';
  end if;
  return tenantd.reply(201, v_body);
end
$$;

revoke all on function api.accept_invitation(jsonb, bytea, text, text, int) from public;
grant execute on function api.accept_invitation(jsonb, bytea, text, text, int) to tenantd_app;
