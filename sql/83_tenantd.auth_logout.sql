-- tenantd.auth_logout(tenant_id, refresh_hash): POST /v1/auth/logout. Revokes the session family
-- of the presented refresh token (every token of that login, rotated or not; reason 'logout')
-- and writes an 'auth.logout' audit row. Returns whether a live session was found; the API
-- answers 204 either way (RFC 7009 §2.2: an invalid token is not an error for revocation).
--
-- SECURITY DEFINER for the reason tenantd.auth_refresh gives: the context is set
-- transaction-locally to the token's tenant before any session row is read. search_path pinned.
create or replace function tenantd.auth_logout(p_tenant_id uuid, p_refresh_hash bytea)
returns boolean
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_session tenantd.sessions%rowtype;
begin
  if p_tenant_id is null
     or not exists (select 1 from tenantd.tenants t where t.id = p_tenant_id) then
    return false;
  end if;
  perform pg_catalog.set_config('app.tenant_id', p_tenant_id::text, true);
  perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)

  select s.* into v_session from tenantd.sessions s
   where s.tenant_id = p_tenant_id and s.refresh_token_hash = p_refresh_hash
     and s.revoked_at is null and s.expires_at > now()
     for update;
  if not found then
    return false;
  end if;
  perform pg_catalog.set_config('app.user_id', v_session.user_id::text, true);
  perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)

  update tenantd.sessions s
     set revoked_at = now(), revoked_reason = 'logout'
   where s.tenant_id = p_tenant_id and s.family_id = v_session.family_id and s.revoked_at is null;
  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (p_tenant_id, 'auth.logout', 'session', v_session.family_id::text,
          jsonb_build_object('user_id', v_session.user_id));
  return true;
end
$$;

revoke all on function tenantd.auth_logout(uuid, bytea) from public;
grant execute on function tenantd.auth_logout(uuid, bytea) to tenantd_app;
