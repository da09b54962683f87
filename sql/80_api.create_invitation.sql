-- api.create_invitation(ctx, email, role, expires_in_days): POST /v1/invitations. Makes the
-- token (tenantd.new_invitation_token), invites through tenantd.create_invitation (which stores
-- only the token's SHA-256 and writes the audit row) and answers 201 with the invitation, its
-- token and its Location. The token exists only in this answer: the copy kept for an
-- Idempotency-Key replay has "token": null and "token_shown_once": true, so a stored answer
-- never holds a usable token. Errors: those of tenantd.create_invitation.
create or replace function api.create_invitation(
  ctx jsonb,
  p_email text,
  p_role text,
  p_expires_in_days int
) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_replay tenantd.reply;
  v_token text;
  v_inv record;
  v_headers json;
begin
  perform tenantd.enter(ctx);
  v_replay := tenantd.idempotent_replay(ctx);
  if v_replay is not null then
    return v_replay;
  end if;
  v_token := tenantd.new_invitation_token();
  select * into v_inv
    from tenantd.create_invitation(p_email, p_role, p_expires_in_days,
                                   pg_catalog.sha256(pg_catalog.convert_to(v_token, 'UTF8')));
  v_headers := json_build_object('Location', '/v1/invitations/' || v_inv.id, 'Cache-Control', 'no-store');
  perform tenantd.idempotent_store(ctx, tenantd.reply(201,
    tenantd.invitation_json_with(v_inv.id, v_inv.email, v_inv.role, v_inv.status, v_inv.expires_at,
                                 v_inv.created_at, v_inv.invited_by, null, true),
    v_headers));
  return tenantd.reply(201,
    tenantd.invitation_json_with(v_inv.id, v_inv.email, v_inv.role, v_inv.status, v_inv.expires_at,
                                 v_inv.created_at, v_inv.invited_by, v_token, false),
    v_headers);
end
$$;

revoke all on function api.create_invitation(jsonb, text, text, int) from public;
grant execute on function api.create_invitation(jsonb, text, text, int) to tenantd_app;
