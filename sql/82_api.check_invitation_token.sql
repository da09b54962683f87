-- api.check_invitation_token(token_hash): the cheap half of POST /v1/invitations/accept. The
-- service calls it before it computes any password hash, so a request with an unknown, expired,
-- revoked or used token costs one indexed lookup and no scrypt: the public accept route cannot be
-- turned into a CPU burner. Raises what api.accept_invitation would raise for the token itself
-- (TD404 invitation_not_found, TD410 invitation_unusable) and returns nothing else — no tenant,
-- no email, no role. api.accept_invitation checks everything again in its own transaction (the
-- invitation can change in between).
--
-- SECURITY DEFINER because the caller has no context yet and must find an invitation in an
-- unknown tenant by a column the app role may not read (invitations.token_hash; policy
-- invitations.select_as_owner). search_path pinned, names schema-qualified.
create or replace function api.check_invitation_token(p_token_hash bytea)
returns void
language plpgsql stable security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_status text;
  v_expires timestamptz;
  v_deleted timestamptz;
  v_found boolean := false;
begin
  if p_token_hash is not null and length(p_token_hash) = 32 then
    select i.status, i.expires_at, t.deleted_at into v_status, v_expires, v_deleted
      from tenantd.invitations i
      join tenantd.tenants t on t.id = i.tenant_id
     where i.token_hash = p_token_hash;
    v_found := found;
  end if;
  if not v_found then
    raise exception using errcode = 'TDN02',
      message = 'no invitation matches this token';
  end if;
  if v_status <> 'pending' or v_expires <= now() or v_deleted is not null then
    raise exception using errcode = 'TDG01', message = 'this invitation cannot be accepted';
  end if;
end
$$;

revoke all on function api.check_invitation_token(bytea) from public;
grant execute on function api.check_invitation_token(bytea) to tenantd_app;
