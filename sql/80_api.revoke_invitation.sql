-- api.revoke_invitation(ctx, id): POST /v1/invitations/{id}/revoke. tenantd.revoke_invitation
-- withdraws the invitation (idempotent, audited); the answer is the invitation as it now is.
-- Errors: those of tenantd.revoke_invitation (TD403, TDN02, TDC08).
create or replace function api.revoke_invitation(ctx jsonb, p_id uuid) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_body json;
begin
  perform tenantd.enter(ctx);
  select tenantd.invitation_json(r.id, r.email, r.role, r.status, r.expires_at, r.created_at, r.invited_by,
                                 r.accepted_at, r.accepted_by, r.revoked_at)
    into v_body
    from tenantd.revoke_invitation(p_id) r;
  if v_body is null then
    raise exception using errcode = 'TD500', message = 'revoking answered no invitation';
  end if;
  return tenantd.reply(200, v_body);
end
$$;

revoke all on function api.revoke_invitation(jsonb, uuid) from public;
grant execute on function api.revoke_invitation(jsonb, uuid) to tenantd_app;
