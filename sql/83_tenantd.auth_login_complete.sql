-- tenantd.auth_login_complete(attempt_id, tenant_id, derived_hash, refresh_token_hash,
-- refresh_ttl_days): the second half of POST /v1/auth/token. derived_hash is the encoded scrypt
-- hash ("scrypt$N$r$p$<salt>$<key>") the C++ layer derived from the presented password with the
-- key_params tenantd.auth_login_begin returned. It is compared here, inside the database, with the
-- credential of the attempt's membership — the app role never reads a stored hash. The digests
-- of both strings are compared, so the comparison's running time says nothing about the stored
-- key.
--
-- outcome (a value, not an exception, because a wrong password must commit the spent attempt):
--   'invalid'           unknown, spent or stale attempt (older than 5 minutes), no such member,
--                       or a wrong password: the attempt stays failed and is spent (user_id
--                       cleared), so one begin buys exactly one guess
--   'user_disabled'     the password is right but the user or the membership is disabled
--   'tenant_suspended'  the password is right but the tenant is suspended or deleted
--   'ok'                the attempt becomes a success, the membership counts as taken up
--                       (accepted_at, for MAX_TENANTS_PER_USER), a session family starts with
--                       its first refresh token (stored as SHA-256 only) and an 'auth.login'
--                       audit row is written; session, user and the membership's role returned
-- Only someone who knows the password learns 'user_disabled' or 'tenant_suspended'. A tenant at
-- its sessions limit (max_sessions) refuses the login with TDF07 quota_exceeded instead (an
-- error, so nothing of the login commits).
--
-- SECURITY DEFINER for the reason tenantd.auth_login_begin gives (no context, no identity yet) and
-- because it reads the credential (memberships.password_hash, no app grant) and writes sessions
-- (no app grant at all). It sets the context transaction-locally (tenant, user, role) before
-- writing, so the session, the attempt, the membership and the audit row go through the
-- own-tenant policies. search_path pinned.
create or replace function tenantd.auth_login_complete(
  p_attempt_id uuid,
  p_tenant_id uuid,
  p_derived_hash text,
  p_refresh_hash bytea,
  p_refresh_ttl_days int
) returns table (outcome text, session_id uuid, family_id uuid, user_id uuid, role text,
                 expires_at timestamptz)
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
#variable_conflict use_column
declare
  v_attempt tenantd.login_attempts%rowtype;
  v_membership tenantd.memberships%rowtype;
  v_user_disabled boolean;
  v_tenant tenantd.tenants%rowtype;
  v_session tenantd.sessions%rowtype;
begin
  perform pg_catalog.set_config('app.tenant_id', coalesce(p_tenant_id::text, ''), true);
  perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)

  select a.* into v_attempt from tenantd.login_attempts a
   where a.tenant_id = p_tenant_id and a.id = p_attempt_id and not a.succeeded
     and a.user_id is not null and a.at > now() - interval '5 minutes'
     for update;
  if not found then
    return query select 'invalid'::text, null::uuid, null::uuid, null::uuid, null::text,
                        null::timestamptz;
    return;
  end if;
  -- spent whatever happens next: a second call with this attempt is 'invalid'
  update tenantd.login_attempts a set user_id = null
   where a.tenant_id = p_tenant_id and a.id = p_attempt_id;

  select m.* into v_membership from tenantd.memberships m
   where m.tenant_id = p_tenant_id and m.user_id = v_attempt.user_id;
  if not found or v_membership.password_hash is null or p_derived_hash is null
     or sha256(convert_to(v_membership.password_hash, 'UTF8'))
        <> sha256(convert_to(p_derived_hash, 'UTF8')) then
    return query select 'invalid'::text, null::uuid, null::uuid, null::uuid, null::text,
                        null::timestamptz;
    return;
  end if;

  select u.disabled into v_user_disabled from tenantd.users u where u.id = v_attempt.user_id;
  if v_user_disabled or v_membership.disabled then
    return query select 'user_disabled'::text, null::uuid, null::uuid, null::uuid, null::text,
                        null::timestamptz;
    return;
  end if;
  select t.* into v_tenant from tenantd.tenants t where t.id = p_tenant_id;
  if v_tenant.deleted_at is not null or v_tenant.status = 'suspended' then
    return query select 'tenant_suspended'::text, null::uuid, null::uuid, null::uuid, null::text,
                        null::timestamptz;
    return;
  end if;

  perform pg_catalog.set_config('app.user_id', v_attempt.user_id::text, true);
  perform pg_catalog.set_config('app.role', v_membership.role, true);
  perform pg_catalog.set_config('app.permissions', tenantd.context_permissions(v_membership.role), true);
  perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)

  update tenantd.login_attempts a set succeeded = true, user_id = v_attempt.user_id
   where a.tenant_id = p_tenant_id and a.id = p_attempt_id;

  -- the person has now taken this membership up: from here on it counts toward their limit
  if v_membership.accepted_at is null then
    update tenantd.memberships m set accepted_at = now()
     where m.tenant_id = p_tenant_id and m.id = v_membership.id;
  end if;

  -- the plan's sessions limit (max_sessions), in this transaction and under the metric's lock,
  -- like every quota: over the limit it raises TDF07 quota_exceeded (TDS01 quota_unavailable
  -- when it cannot be checked), which rolls the whole login back. The attempt then stays
  -- unspent and failed, as begin recorded it: only someone who knows the password gets here,
  -- and nothing is admitted.
  perform tenantd.consume_quota('sessions');

  insert into tenantd.sessions as s (tenant_id, user_id, refresh_token_hash, expires_at, last_used_at)
  values (p_tenant_id, v_attempt.user_id, p_refresh_hash,
          now() + make_interval(days => p_refresh_ttl_days), now())
  returning s.* into v_session;

  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (p_tenant_id, 'auth.login', 'session', v_session.family_id::text,
          jsonb_build_object('user_id', v_attempt.user_id));

  return query select 'ok'::text, v_session.id, v_session.family_id, v_attempt.user_id,
                      v_membership.role, v_session.expires_at;
end
$$;

revoke all on function tenantd.auth_login_complete(uuid, uuid, text, bytea, int) from public;
grant execute on function tenantd.auth_login_complete(uuid, uuid, text, bytea, int) to tenantd_app;
