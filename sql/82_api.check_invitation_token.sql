-- api.check_invitation_token(ctx, token_hash): the first of the two calls of POST
-- /v1/invitations/accept when the invitee chooses a password: the cheap refusal (TDN02 unknown
-- token, TDG01 expired, revoked or used) before the service spends a password hash on a
-- request that cannot succeed. Answers 204. tenantd.check_invitation_token is the definer step
-- (it finds the invitation by its hash before any context exists).
create or replace function api.check_invitation_token(ctx jsonb, p_token_hash bytea) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  perform tenantd.enter(ctx);
  perform tenantd.check_invitation_token(p_token_hash);
  return tenantd.reply(204);
end
$$;

revoke all on function api.check_invitation_token(jsonb, bytea) from public;
grant execute on function api.check_invitation_token(jsonb, bytea) to tenantd_app;
