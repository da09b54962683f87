-- tenantd.accept_invitation(token_hash, password_hash, display_name, max_tenants): the invitee
-- presents the token from their invitation (POST /v1/invitations/accept, a public route): find
-- the invitation by the token's SHA-256, create the global identity or link the existing one,
-- add the membership with the invited role, mark the invitation accepted and write an
-- 'invitation.accepted' audit row — all in the caller's one transaction.
-- password_hash (computed by the C++ layer with scrypt, only after tenantd.check_invitation_token
-- found the token usable) and display_name are the new membership's credential and profile:
-- the password the invitee chooses opens this tenant and nothing else, and the identity itself
-- (global: email and provider link only) is never changed. Whatever some other tenant or a
-- sign-up set for the same email is neither used nor shown. The membership counts as accepted
-- (accepted_at) toward MAX_TENANTS_PER_USER, which counts accepted memberships only.
--
-- Errors (SQLSTATE → HTTP; "code: text" sets the problem code):
--   TD404 'invitation_not_found: …'  no invitation has this token
--   TD410 'invitation_unusable: …'   expired, revoked, already accepted, or its tenant deleted
--   TD403 'tenant_suspended: …'      the tenant is suspended (the invitation stays pending)
--   TD403 'user_disabled: …'         the existing identity is disabled
--   TDF07 quota_exceeded / TDS01 quota_unavailable: the tenant's members or members_per_month
--   TD409 'already_member: …'        the identity is a member already (invitation stays pending)
--   TD409 'too_many_tenants: …'      MAX_TENANTS_PER_USER reached (same rule as tenantd.create_member)
--
-- SECURITY DEFINER because the caller has no tenant context and no identity yet: it must find
-- an invitation in an unknown tenant (policy invitations.select_as_owner), find or create a
-- global user (users.select_as_owner/insert_as_owner) and count the user's memberships in every
-- tenant (memberships.select_as_owner). RLS stays meaningful: once the invitation is found, it
-- sets the context transaction-locally to the invitation's tenant, the invitee's user id and the
-- invited role, so the invitation update passes only the invitee's own policy
-- (invitations.update_accept_own: a pending invitation naming the user's own email, marked
-- accepted by that user), and the audit row goes through the own-tenant policy; the membership
-- is inserted through memberships.insert_as_owner, which exists for this procedure, after the
-- checks above. The previous context is restored before returning. Only the new membership's
-- tenant, user and role are returned. search_path pinned, names schema-qualified.
-- It does not say whether the identity existed before (that would tell whoever holds the token
-- that the email has an account elsewhere).
create or replace function tenantd.accept_invitation(
  p_token_hash bytea,
  p_password_hash text,
  p_display_name text,
  p_max_tenants int default 5
) returns table (invitation_id uuid, tenant_id uuid, tenant_slug text, user_id uuid, email text,
                 role text, accepted_at timestamptz)
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
#variable_conflict use_column
declare
  v_inv tenantd.invitations%rowtype;
  v_tenant tenantd.tenants%rowtype;
  v_user tenantd.users%rowtype;
  v_count int;
  v_prev_tenant text := coalesce(pg_catalog.current_setting('app.tenant_id', true), '');
  v_prev_user text := coalesce(pg_catalog.current_setting('app.user_id', true), '');
  v_prev_role text := coalesce(pg_catalog.current_setting('app.role', true), '');
  v_prev_permissions text := coalesce(pg_catalog.current_setting('app.permissions', true), '');
  v_prev_email text := coalesce(pg_catalog.current_setting('app.user_email', true), '');
begin
  if p_token_hash is null or length(p_token_hash) <> 32 then
    raise exception using errcode = 'TDN02',
      message = 'no invitation matches this token';
  end if;

  -- Two acceptances of one token at once: the second waits here until the first commits, and
  -- the select below (a new statement, so a new snapshot under read committed) sees 'accepted'.
  -- An advisory lock rather than FOR UPDATE: a locking read must also pass the update policies,
  -- which no context satisfies yet.
  perform pg_catalog.pg_advisory_xact_lock(
    pg_catalog.hashtextextended('tenantd.invitation_accept:' || encode(p_token_hash, 'hex'), 0));
  select i.* into v_inv from tenantd.invitations i where i.token_hash = p_token_hash;
  if not found then
    raise exception using errcode = 'TDN02',
      message = 'no invitation matches this token';
  end if;
  if v_inv.status = 'accepted' then
    raise exception using errcode = 'TDG01',
      message = 'this invitation has already been accepted';
  end if;
  if v_inv.status = 'revoked' then
    raise exception using errcode = 'TDG01',
      message = 'this invitation has been revoked';
  end if;
  if v_inv.expires_at <= now() then
    raise exception using errcode = 'TDG01',
      message = 'this invitation has expired';
  end if;

  select t.* into v_tenant from tenantd.tenants t where t.id = v_inv.tenant_id;
  if v_tenant.deleted_at is not null then
    raise exception using errcode = 'TDG01',
      message = 'the tenant of this invitation no longer exists';
  end if;
  if v_tenant.status = 'suspended' then
    raise exception using errcode = 'TDF04',
      message = 'the tenant is suspended; the invitation can be accepted once it is active again';
  end if;

  -- find-or-create, race-safe (as tenantd.create_member): a concurrent insert of the same email
  -- makes ours do nothing, and the select that follows sees the winner's row
  insert into tenantd.users as u (email)
  values (v_inv.email)
  on conflict ((lower(email))) do nothing
  returning u.* into v_user;
  if not found then
    select u.* into v_user from tenantd.users u where lower(u.email) = lower(v_inv.email);
    if not found then
      raise exception using errcode = 'TD409', message = 'the user was changed concurrently, retry';
    end if;
    if v_user.disabled then
      raise exception using errcode = 'TDF05',
        message = 'this account is disabled';
    end if;
  end if;

  -- MAX_TENANTS_PER_USER, serialised per user exactly as tenantd.create_member does (same lock key)
  if p_max_tenants is not null then
    perform pg_catalog.pg_advisory_xact_lock(
      pg_catalog.hashtextextended('tenantd.user_memberships:' || v_user.id::text, 0));
    select count(*) into v_count
      from tenantd.memberships m
      join tenantd.tenants t on t.id = m.tenant_id and t.deleted_at is null
     where m.user_id = v_user.id and m.tenant_id <> v_inv.tenant_id and m.accepted_at is not null;
    if v_count >= p_max_tenants then
      raise exception using errcode = 'TDC14',
        message = format('a user may belong to at most %s tenants', p_max_tenants);
    end if;
  end if;

  -- from here on the invitee acts in the invitation's tenant (transaction-local, restored below)
  perform pg_catalog.set_config('app.tenant_id', v_inv.tenant_id::text, true);
  perform pg_catalog.set_config('app.user_id', v_user.id::text, true);
  perform pg_catalog.set_config('app.role', v_inv.role, true);
  perform pg_catalog.set_config('app.permissions', tenantd.context_permissions(v_inv.role), true);
  perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)
  -- the invitee policy on invitations compares the invitation's address with this one
  perform pg_catalog.set_config('app.user_email', v_user.email, true);
  perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)

  -- the plan's quotas, consumed in the invitation's tenant (the context just set)
  perform tenantd.consume_quota('members'), tenantd.consume_quota('members_per_month');

  insert into tenantd.memberships as m (tenant_id, user_id, role, password_hash, display_name,
                                       accepted_at, source)
  values (v_inv.tenant_id, v_user.id, v_inv.role, p_password_hash, p_display_name, now(),
          'invitation')
  on conflict (tenant_id, user_id) do nothing;
  if not found then
    raise exception using errcode = 'TDC02',
      message = 'you are already a member of this tenant';
  end if;

  update tenantd.invitations i
     set status = 'accepted', accepted_at = now(), accepted_by = v_user.id
   where i.tenant_id = v_inv.tenant_id and i.id = v_inv.id;
  if not found then
    -- the invitee policy refused (cannot happen for the invitation's own address; fail closed)
    raise exception using errcode = 'TD409', message = 'the invitation could not be accepted, retry';
  end if;

  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (v_inv.tenant_id, 'invitation.accepted', 'invitation', v_inv.id::text,
          jsonb_build_object('email', v_inv.email, 'role', v_inv.role, 'user_id', v_user.id));

  perform pg_catalog.set_config('app.tenant_id', v_prev_tenant, true);
  perform pg_catalog.set_config('app.user_id', v_prev_user, true);
  perform pg_catalog.set_config('app.role', v_prev_role, true);
  perform pg_catalog.set_config('app.permissions', v_prev_permissions, true);
  perform pg_catalog.set_config('app.user_email', v_prev_email, true);
  perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)

  return query select v_inv.id, v_inv.tenant_id, v_tenant.slug, v_user.id, v_user.email,
                      v_inv.role, now();
end
$$;

revoke all on function tenantd.accept_invitation(bytea, text, text, int) from public;
grant execute on function tenantd.accept_invitation(bytea, text, text, int) to tenantd_app;
