-- tenantd.reveal_signup_token(tenant, key): the sign-up's admin invitation token, once, to the
-- caller that presents the sign-up's Idempotency-Key (GET /v1/tenant-status/{id} with that
-- key; docs/signup.md); NULL otherwise (a wrong key is not an error: the answer does not say
-- whether a token waits for someone else).
-- The token was derived in the sign-up request as base64url(HMAC-SHA256(key,
-- "tenantd-signup-invitation:" || hex(nonce))) with a random 32-byte nonce; only the nonce and
-- SHA-256(token) were stored. Here the token is recomputed from the stored nonce and the key
-- presented; it is shown when its SHA-256 is the stored hash, the tenant is active (the
-- invitation exists) and it was not revealed before, and it is marked revealed (audit row
-- 'tenant.admin_invitation_revealed').
-- Race: two status requests with the key at once — the UPDATE's row lock decides; the second
-- re-reads the row after the first commits, finds invitation_revealed_at set and gets NULL.
-- SECURITY DEFINER, cross-tenant by nature: the public caller has no context and the app role
-- has no grants on tenant_signups (read as the platform in that tenant, context restored). It
-- returns only the token the caller proved it holds the key of.
create or replace function tenantd.reveal_signup_token(p_tenant uuid, p_key text) returns text
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_saved text[];
  v_nonce bytea;
  v_token text;
begin
  if p_tenant is null or coalesce(p_key, '') = '' then
    return null;
  end if;
  v_saved := tenantd.enter_system_context(p_tenant);
  select s.invitation_nonce into v_nonce
    from tenantd.tenant_signups s join tenantd.tenants t on t.id = s.tenant_id
   where s.tenant_id = p_tenant and s.invitation_revealed_at is null
     and t.status = 'active' and t.deleted_at is null;
  if v_nonce is not null then
    v_token := rtrim(translate(encode(tenantd.hmac_sha256(convert_to(p_key, 'UTF8'),
                                                          convert_to('tenantd-signup-invitation:' || encode(v_nonce, 'hex'), 'UTF8')),
                                      'base64'), E'+/\n', '-_'), '=');
    update tenantd.tenant_signups s
       set invitation_revealed_at = now(), updated_at = now()
     where s.tenant_id = p_tenant and s.invitation_revealed_at is null
       and s.invitation_token_hash = sha256(convert_to(v_token, 'UTF8'));
    if found then
      perform tenantd.tenant_audit(p_tenant, 'tenant.admin_invitation_revealed', '{}'::jsonb);
    else
      v_token := null;
    end if;
  end if;
  perform tenantd.leave_system_context(v_saved);
  return v_token;
end
$$;

revoke all on function tenantd.reveal_signup_token(uuid, text) from public;
grant execute on function tenantd.reveal_signup_token(uuid, text) to tenantd_app;
