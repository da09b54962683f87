-- api.signup_invitation_nonce(tenant) / api.reveal_signup_invitation(tenant, token_hash): show a
-- sign-up's admin invitation token once, to the caller holding the sign-up's Idempotency-Key
-- (GET /v1/tenant-status/{id} with that key; docs/signup.md).
-- The token was derived in the sign-up request as base64url(HMAC-SHA256(Idempotency-Key,
-- "tenantd-signup-invitation:" || hex(nonce))) with a random 32-byte nonce; only the nonce and
-- SHA-256(token) were stored (tenant_signups, and invitations.token_hash after provisioning).
-- The status request recomputes the token from the stored nonce and the key it presents;
-- reveal succeeds when SHA-256 of that token is the stored hash, the tenant is active (the
-- invitation exists) and it was not revealed before, and marks it revealed.
-- nonce: NULL unless an unrevealed invitation is waiting in an active tenant (it is useless
-- without the key). reveal: true exactly once.
-- Race: two status requests with the key at once — the UPDATE's row lock decides; the second
-- re-reads the row after the first commits, finds invitation_revealed_at set and gets false.
-- SECURITY DEFINER: the app role has no grants on tenant_signups; the public caller has no
-- context (read as the platform in that tenant, context restored).
create or replace function api.signup_invitation_nonce(p_tenant uuid)
returns bytea
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_saved text[] := tenantd.enter_system_context(p_tenant);
  v_nonce bytea;
begin
  select s.invitation_nonce into v_nonce
    from tenantd.tenant_signups s join tenantd.tenants t on t.id = s.tenant_id
   where s.tenant_id = p_tenant and s.invitation_revealed_at is null
     and t.status = 'active' and t.deleted_at is null;
  perform tenantd.leave_system_context(v_saved);
  return v_nonce;
end
$$;

revoke all on function api.signup_invitation_nonce(uuid) from public;
grant execute on function api.signup_invitation_nonce(uuid) to tenantd_app;

create or replace function api.reveal_signup_invitation(p_tenant uuid, p_token_hash bytea)
returns boolean
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_saved text[] := tenantd.enter_system_context(p_tenant);
  v_found boolean;
begin
  update tenantd.tenant_signups s
     set invitation_revealed_at = now(), updated_at = now()
   where s.tenant_id = p_tenant and s.invitation_revealed_at is null
     and s.invitation_token_hash = p_token_hash
     and exists (select 1 from tenantd.tenants t
                  where t.id = p_tenant and t.status = 'active' and t.deleted_at is null);
  v_found := found;
  if v_found then
    perform tenantd.tenant_audit(p_tenant, 'tenant.admin_invitation_revealed', '{}'::jsonb);
  end if;
  perform tenantd.leave_system_context(v_saved);
  return v_found;
end
$$;

revoke all on function api.reveal_signup_invitation(uuid, bytea) from public;
grant execute on function api.reveal_signup_invitation(uuid, bytea) to tenantd_app;
