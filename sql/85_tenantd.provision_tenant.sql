-- tenantd.provision_tenant(tenant, attempt, invitation_days): the work of the 'tenant.provision'
-- job (src/jobs/provisioning.cpp), in the job's one transaction — the one that also marks the
-- job completed. Takes the tenant pending (or failed, on a retry) → provisioning → active and
-- creates its preseed:
--   built-in roles and default onboarding steps (tenantd.seed_tenant_defaults);
--   default configuration for its plan: one 'features' row per key of plans.features;
--   its sign-up's admin (tenant_signups): with a password hash, the identity (created with
--     the email only, or the existing one, which is not changed) and a tenant_admin membership
--     that holds the hash as its own credential (it opens this tenant only) and is not yet
--     accepted: whoever signs up naming an email does not use up that person's
--     MAX_TENANTS_PER_USER until someone logs in with it; the hash is then cleared from
--     tenant_signups; without one, a pending
--     tenant_admin invitation whose token_hash is the sign-up's (the token itself was never
--     stored; GET /v1/tenant-status/{id} shows it once to the Idempotency-Key holder);
--   a 'tenant.provisioned' audit row (plus transition_tenant's own rows).
-- tenantd.verify_preseed must then find nothing missing, or it raises (SQLSTATE TD500,
-- 'preseed_incomplete: …') and everything above rolls back. Any error rolls the whole transaction
-- back: no partial preseed. Records provisioning_started_at, provisioning_completed_at,
-- provisioning_attempts and clears provisioning_error on success.
-- Returns the tenant's state afterwards. Idempotent: a tenant that is not pending, failed or
-- provisioning (active, suspended, …, deleted, or missing) is left exactly as it is, so running
-- the job again for an active tenant changes nothing.
--
-- Races (issue 5 §7): the tenant row lock (SELECT … FOR UPDATE) decides between two runs for one
-- tenant — a second worker that took the job after a lease expired while the first was only
-- slow, or a reprovision — the second waits, then sees 'active' and does nothing. One job per
-- tenant is the jobs.dedupe_key unique constraint. Two tenants whose admins share an email:
-- the unique index users_email_lower_key decides which creates the identity; the other links it.
--
-- SECURITY DEFINER because the worker runs as tenantd_app without any context, and the preseed
-- spans tables it may only write as a tenant admin of that tenant (roles, configs, invitations)
-- or not at all (tenant_signups, users of other tenants). It acts as the platform in this tenant
-- (tenantd.enter_system_context), so every write still passes the own-tenant policies, and
-- restores the caller's context. search_path pinned, names schema-qualified.
create or replace function tenantd.provision_tenant(
  p_tenant uuid, p_attempt integer default 1, p_invitation_days integer default 7)
returns text
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_saved text[];
  v_row tenantd.tenants%rowtype;
  v_signup tenantd.tenant_signups%rowtype;
  v_user uuid;
  v_problems text[];
  v_admin text := 'none';
  v_feature record;
begin
  v_saved := tenantd.enter_system_context(p_tenant);
  select * into v_row from tenantd.tenants t where t.id = p_tenant for update;
  if not found or v_row.deleted_at is not null
     or v_row.status not in ('pending', 'failed', 'provisioning') then
    perform tenantd.leave_system_context(v_saved);
    return case when not found then 'missing' else tenantd.tenant_state(v_row.status, v_row.deleted_at) end;
  end if;

  if v_row.status <> 'provisioning' then
    perform tenantd.transition_tenant(p_tenant, 'provisioning', format('provisioning attempt %s', p_attempt));
  end if;
  update tenantd.tenants t
     set provisioning_status = 'running', provisioning_started_at = now(),
         provisioning_attempts = greatest(coalesce(p_attempt, 1), 1)
   where t.id = p_tenant;

  perform tenantd.seed_tenant_defaults(p_tenant);

  -- a row at a time: Citus runs INSERT … SELECT into a distributed table from anything but a
  -- colocated table through COPY, which it refuses under row-level security
  for v_feature in select f.key, f.value from tenantd.plans p, jsonb_each(p.features) f
                     where p.id = v_row.plan loop
    insert into tenantd.tenant_configs (tenant_id, type, key, value)
    values (p_tenant, 'features', v_feature.key, v_feature.value);
  end loop;

  select * into v_signup from tenantd.tenant_signups s where s.tenant_id = p_tenant for update;
  if found then
    if v_signup.invitation_token_hash is null then
      v_admin := 'user';
      insert into tenantd.users (email)
      values (v_signup.admin_email)
      on conflict ((lower(email))) do nothing
      returning id into v_user;
      if v_user is null then
        select u.id into strict v_user from tenantd.users u where lower(u.email) = lower(v_signup.admin_email);
      end if;
      insert into tenantd.memberships (tenant_id, user_id, role, password_hash, display_name, source)
      values (p_tenant, v_user, 'tenant_admin', v_signup.admin_password_hash,
              split_part(v_signup.admin_email, '@', 1), 'signup');
      update tenantd.tenant_signups s set admin_password_hash = null, updated_at = now()
       where s.tenant_id = p_tenant;
    else
      v_admin := 'invitation';
      insert into tenantd.invitations (tenant_id, email, role, token_hash, expires_at)
      values (p_tenant, v_signup.admin_email, 'tenant_admin', v_signup.invitation_token_hash,
              now() + make_interval(days => greatest(coalesce(p_invitation_days, 7), 1)));
    end if;
  end if;

  perform tenantd.tenant_audit(p_tenant, 'tenant.provisioned',
    jsonb_build_object('plan', v_row.plan, 'attempt', p_attempt, 'admin', v_admin, 'admin_user_id', v_user));

  v_problems := tenantd.verify_preseed(p_tenant);
  if cardinality(v_problems) > 0 then
    raise exception using errcode = 'TDI01',
      message = '' || array_to_string(v_problems, '; ');
  end if;

  perform tenantd.transition_tenant(p_tenant, 'active', 'provisioned');
  update tenantd.tenants t
     set provisioning_status = 'completed', provisioning_completed_at = now(), provisioning_error = null
   where t.id = p_tenant;
  perform tenantd.leave_system_context(v_saved);
  return 'active';
end
$$;

-- worker-only (DESIGN §3): the app role must not be able to call it, even with abused SQL
revoke all on function tenantd.provision_tenant(uuid, integer, integer) from public, tenantd_app;
grant execute on function tenantd.provision_tenant(uuid, integer, integer) to tenantd_worker;
