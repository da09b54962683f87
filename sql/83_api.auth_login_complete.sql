-- api.auth_login_complete(attempt_id, tenant_id, refresh_token_hash, refresh_ttl_days): the
-- second half of POST /v1/auth/token, called only after the C++ layer verified the password.
-- Marks the attempt recorded by api.auth_login_begin as a success, starts a session family with
-- its first refresh token (stored as SHA-256 only) and writes an 'auth.login' audit row.
-- Returns the session and the membership role the access token will carry.
--
-- Errors: TD401 'invalid_credentials: …' when the attempt is unknown, already used, or the
-- membership or user went away or was disabled in between (the same answer as a wrong password).
--
-- SECURITY DEFINER for the reason api.auth_login_begin gives (no context, no identity yet). It
-- sets the context transaction-locally (tenant, user, role) before writing, so the session, the
-- attempt and the audit row go through the own-tenant policies. search_path pinned.
create or replace function api.auth_login_complete(
  p_attempt_id uuid,
  p_tenant_id uuid,
  p_refresh_hash bytea,
  p_refresh_ttl_days int
) returns table (session_id uuid, family_id uuid, user_id uuid, role text, expires_at timestamptz)
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
#variable_conflict use_column
declare
  v_attempt tenantd.login_attempts%rowtype;
  v_membership tenantd.memberships%rowtype;
  v_session tenantd.sessions%rowtype;
begin
  perform pg_catalog.set_config('app.tenant_id', coalesce(p_tenant_id::text, ''), true);

  select a.* into v_attempt from tenantd.login_attempts a
   where a.tenant_id = p_tenant_id and a.id = p_attempt_id and not a.succeeded
     and a.user_id is not null and a.at > now() - interval '5 minutes'
     for update;
  if not found then
    raise exception using errcode = 'TD401', message = 'invalid_credentials: the login failed';
  end if;
  select m.* into v_membership from tenantd.memberships m
   where m.tenant_id = p_tenant_id and m.user_id = v_attempt.user_id and not m.disabled
     and exists (select 1 from tenantd.users u where u.id = m.user_id and not u.disabled);
  if not found then
    raise exception using errcode = 'TD401', message = 'invalid_credentials: the login failed';
  end if;

  perform pg_catalog.set_config('app.user_id', v_attempt.user_id::text, true);
  perform pg_catalog.set_config('app.role', v_membership.role, true);

  update tenantd.login_attempts a set succeeded = true
   where a.tenant_id = p_tenant_id and a.id = p_attempt_id;

  insert into tenantd.sessions as s (tenant_id, user_id, refresh_token_hash, expires_at, last_used_at)
  values (p_tenant_id, v_attempt.user_id, p_refresh_hash,
          now() + make_interval(days => p_refresh_ttl_days), now())
  returning s.* into v_session;

  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (p_tenant_id, 'auth.login', 'session', v_session.family_id::text,
          jsonb_build_object('user_id', v_attempt.user_id));

  return query select v_session.id, v_session.family_id, v_attempt.user_id, v_membership.role,
                      v_session.expires_at;
end
$$;

revoke all on function api.auth_login_complete(uuid, uuid, bytea, int) from public;
grant execute on function api.auth_login_complete(uuid, uuid, bytea, int) to tenantd_app;
