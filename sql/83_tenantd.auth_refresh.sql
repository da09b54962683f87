-- tenantd.auth_refresh(tenant_id, old_hash, new_hash, refresh_ttl_days): POST /v1/auth/refresh.
-- Rotates a refresh token: the presented session is ended (revoked_at, rotated_at, replaced_by)
-- and a new one starts in the same family with a fresh expiry. The tenant id comes from the
-- refresh token itself (tenant.random; only the random part is secret, the hash covers all),
-- so the lookup runs inside that tenant's policies.
--
-- outcome (a value, not an exception, because 'reuse' must commit the revocation it made):
--   'ok'                 rotated; user_id, role (the membership's current role), the new
--                        session and its expiry are returned
--   'invalid'            unknown, expired or revoked token, or the membership/user is gone or
--                        disabled: nothing changes
--   'reuse'              the token was already rotated: someone replays it. Every live session
--                        of its family is revoked (reason 'reuse_detected') and an
--                        'auth.refresh_token_reused' audit row written; the caller commits, then
--                        answers 401
--   'tenant_suspended'   the tenant is suspended or deleted
-- Two refreshes racing with the same token: the second waits for the first (for update) and
-- then finds it rotated, i.e. reuse. Strict on purpose (OAuth 2.0 Security BCP §4.14.2).
--
-- SECURITY DEFINER: the caller has no context and no identity; the context is set
-- transaction-locally to the token's tenant before any session row is read, so sessions are
-- reached only through their own-tenant policies. search_path pinned.
create or replace function tenantd.auth_refresh(
  p_tenant_id uuid,
  p_old_hash bytea,
  p_new_hash bytea,
  p_refresh_ttl_days int
) returns table (outcome text, user_id uuid, role text, session_id uuid, expires_at timestamptz)
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
#variable_conflict use_column
declare
  v_old tenantd.sessions%rowtype;
  v_new tenantd.sessions%rowtype;
  v_tenant tenantd.tenants%rowtype;
  v_membership tenantd.memberships%rowtype;
begin
  select t.* into v_tenant from tenantd.tenants t where t.id = p_tenant_id;
  if v_tenant.id is null then
    return query select 'invalid'::text, null::uuid, null::text, null::uuid, null::timestamptz;
    return;
  end if;
  perform pg_catalog.set_config('app.tenant_id', v_tenant.id::text, true);
  perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)

  select s.* into v_old from tenantd.sessions s
   where s.tenant_id = v_tenant.id and s.refresh_token_hash = p_old_hash
     for update;
  if not found then
    return query select 'invalid'::text, null::uuid, null::text, null::uuid, null::timestamptz;
    return;
  end if;

  perform pg_catalog.set_config('app.user_id', v_old.user_id::text, true);
  perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)

  if v_old.rotated_at is not null then
    update tenantd.sessions s
       set revoked_at = now(), revoked_reason = 'reuse_detected'
     where s.tenant_id = v_tenant.id and s.family_id = v_old.family_id and s.revoked_at is null;
    insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
    values (v_tenant.id, 'auth.refresh_token_reused', 'session', v_old.family_id::text,
            jsonb_build_object('user_id', v_old.user_id, 'session_id', v_old.id));
    return query select 'reuse'::text, v_old.user_id, null::text, null::uuid, null::timestamptz;
    return;
  end if;
  if v_old.revoked_at is not null or v_old.expires_at <= now() then
    return query select 'invalid'::text, null::uuid, null::text, null::uuid, null::timestamptz;
    return;
  end if;
  if v_tenant.deleted_at is not null or v_tenant.status = 'suspended' then
    return query select 'tenant_suspended'::text, null::uuid, null::text, null::uuid,
                        null::timestamptz;
    return;
  end if;
  select m.* into v_membership from tenantd.memberships m
   where m.tenant_id = v_tenant.id and m.user_id = v_old.user_id and not m.disabled
     and exists (select 1 from tenantd.users u where u.id = m.user_id and not u.disabled);
  if not found then
    return query select 'invalid'::text, null::uuid, null::text, null::uuid, null::timestamptz;
    return;
  end if;

  perform pg_catalog.set_config('app.role', v_membership.role, true);
  perform pg_catalog.set_config('app.permissions', tenantd.context_permissions(v_membership.role), true);
  perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)

  insert into tenantd.sessions as s (tenant_id, user_id, refresh_token_hash, expires_at,
                                     last_used_at, family_id)
  values (v_tenant.id, v_old.user_id, p_new_hash,
          now() + make_interval(days => p_refresh_ttl_days), now(), v_old.family_id)
  returning s.* into v_new;

  update tenantd.sessions s
     set revoked_at = now(), rotated_at = now(), replaced_by = v_new.id,
         revoked_reason = 'rotated', last_used_at = now()
   where s.tenant_id = v_tenant.id and s.id = v_old.id;

  return query select 'ok'::text, v_old.user_id, v_membership.role, v_new.id, v_new.expires_at;
end
$$;

revoke all on function tenantd.auth_refresh(uuid, bytea, bytea, int) from public;
grant execute on function tenantd.auth_refresh(uuid, bytea, bytea, int) to tenantd_app;
