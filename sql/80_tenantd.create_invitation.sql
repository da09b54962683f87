-- tenantd.create_invitation(email, role, expires_in_days, token_hash): invite an address into the
-- current tenant with a role. The caller (C++) generated the token and passes only its SHA-256;
-- the token itself never reaches the database. Writes an 'invitation.created' audit row in the
-- same transaction. Returns the new invitation (never the hash).
--
-- Errors (SQLSTATE → HTTP in the C++ error table; "code: text" sets the problem code):
--   TD400 no tenant context, or a malformed token hash (a bug in the caller)
--   TD403 caller lacks invitations:write; 'role_escalation: …' when the role holds permissions
--         the caller lacks (tenantd.may_grant_role): invitations:write alone never lets a
--         tenant-defined role invite a tenant_admin
--   TD409 'already_member: …' the address belongs to a member of the tenant;
--         'already_invited: …' a pending, unexpired invitation for the address exists
--   TD422 bad email, expires_in_days outside 1–30, 'unknown_role: …'
--   TDF07 quota_exceeded / TDS01 quota_unavailable: the plan's invitations_per_month
--         (tenantd.consume_quota, consumed after the checks above, so a refused invitation
--         costs nothing)
--
-- Security invoker: everything it reads and writes goes through the caller's own-tenant
-- policies (invitations need invitations:write; the member check reads memberships and users
-- as the caller sees them, i.e. with members:read, which every built-in role has).
create or replace function tenantd.create_invitation(
  p_email text,
  p_role text,
  p_expires_in_days int,
  p_token_hash bytea
) returns table (id uuid, email text, role text, status text, expires_at timestamptz,
                 created_at timestamptz, invited_by uuid)
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
#variable_conflict use_column
declare
  v_tenant uuid := tenantd.current_tenant_id();
  v_inv record;
begin
  perform tenantd.require_permission('invitations:write', 'inviting');
  perform tenantd.check_email(p_email);
  if p_expires_in_days is null or p_expires_in_days not between 1 and 30 then
    raise exception using errcode = 'TD422',
      message = 'expires_in_days must be an integer from 1 to 30';
  end if;
  perform tenantd.check_grantable_role(p_role);
  if p_token_hash is null or length(p_token_hash) <> 32 then
    raise exception using errcode = 'TD400', message = 'the token hash must be 32 bytes';
  end if;

  -- Two requests inviting the same address at once would each find no pending invitation:
  -- serialise invitations per (tenant, address) with a transaction-level advisory lock; the
  -- checks after it are new statements and see what the other committed.
  perform pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtextextended('tenantd.invitations:' || v_tenant::text || ':' || lower(p_email), 0));

  -- the membership's copy of the address: the caller need not see the users row
  if exists (select 1
               from tenantd.memberships m
              where m.tenant_id = v_tenant and lower(m.email) = lower(p_email)) then
    raise exception using errcode = 'TDC02',
      message = 'this address belongs to a member of the tenant';
  end if;
  if exists (select 1
               from tenantd.invitations i
              where i.tenant_id = v_tenant and lower(i.email) = lower(p_email)
                and i.status = 'pending' and i.expires_at > now()) then
    raise exception using errcode = 'TDC01',
      message = 'a pending invitation for this address exists; revoke it first';
  end if;

  perform tenantd.consume_quota('invitations_per_month');

  insert into tenantd.invitations as i (email, role, token_hash, expires_at, invited_by)
  values (p_email, p_role, p_token_hash, now() + make_interval(days => p_expires_in_days),
          tenantd.current_user_id())
  returning i.id, i.email, i.role, i.status, i.expires_at, i.created_at, i.invited_by
  into v_inv;

  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (v_tenant, 'invitation.created', 'invitation', v_inv.id::text,
          jsonb_build_object('email', v_inv.email, 'role', v_inv.role,
                             'expires_at', v_inv.expires_at));

  return query select v_inv.id, v_inv.email, v_inv.role, v_inv.status, v_inv.expires_at,
                      v_inv.created_at, v_inv.invited_by;
end
$$;

revoke all on function tenantd.create_invitation(text, text, int, bytea) from public;
grant execute on function tenantd.create_invitation(text, text, int, bytea) to tenantd_app;
