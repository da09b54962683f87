-- api.auth_login_begin(tenant_ref, email): the first half of POST /v1/auth/token. Resolves the
-- tenant (id or slug), applies the lockout rule, records the attempt, and returns what the
-- C++ layer needs to check the password: nothing else about the user.
--
-- Lockout: an account is (tenant, lower(email)), whether or not such a user exists. When 5 or
-- more failed attempts lie within the last 15 minutes and after the account's last successful
-- login, the answer is outcome 'locked' with retry_after = seconds until the oldest of the 5
-- newest failures leaves the window; the attempt is then not recorded (a locked account's
-- lock is not extended by further guesses) and no password is checked. A successful login can
-- only happen while the account is not locked, so it never ends an active lockout early; it
-- does clear the failures before it from the count.
-- Otherwise the attempt is recorded as failed *before* the password is checked (attempt_id)
-- and api.auth_login_complete turns it into a success: concurrent guesses all count, and no
-- lock or transaction is held during the slow password hash.
--
-- outcome: 'unknown_tenant' (no live tenant by that reference: nothing recorded), 'locked', or
-- 'check' with attempt_id, and — when the tenant has a user with that email — user_id,
-- password_hash, role, user_disabled, membership_disabled; tenant_state is the tenant's state
-- (tenantd.tenant_state). The C++ layer verifies the password (against a dummy hash when there
-- is no user, so both cases take as long) and answers 401 invalid_credentials for either.
--
-- SECURITY DEFINER because a login has no tenant context and no identity yet: it reads the
-- tenant by slug (tenants.select_as_owner), the user's password hash (users.select_as_owner;
-- the app role reads no hashes through this) and the membership (memberships.select_as_owner).
-- It sets app.tenant_id transaction-locally to the tenant named before touching
-- login_attempts, so those rows are read and written through the own-tenant policies.
-- search_path pinned, names schema-qualified.
create or replace function api.auth_login_begin(p_tenant_ref text, p_email text)
returns table (outcome text, retry_after int, attempt_id uuid, tenant_id uuid,
               tenant_state text, user_id uuid, password_hash text, role text,
               user_disabled boolean, membership_disabled boolean)
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
#variable_conflict use_column
declare
  v_tenant tenantd.tenants%rowtype;
  v_email text := lower(coalesce(p_email, ''));
  v_last_success timestamptz;
  v_failures int;
  v_fifth timestamptz;
  v_attempt uuid;
  -- clock time rather than now(): attempts are ordered against each other (see the table)
  v_now timestamptz := clock_timestamp();
  v_user tenantd.users%rowtype;
  v_membership tenantd.memberships%rowtype;
begin
  if tenantd.parse_uuid(p_tenant_ref) is not null then
    select t.* into v_tenant from tenantd.tenants t
     where t.id = tenantd.parse_uuid(p_tenant_ref) and t.deleted_at is null;
  else
    select t.* into v_tenant from tenantd.tenants t
     where t.slug = p_tenant_ref and t.deleted_at is null;
  end if;
  if v_tenant.id is null or length(v_email) > 254 then
    return query select 'unknown_tenant'::text, null::int, null::uuid, null::uuid, null::text,
                        null::uuid, null::text, null::text, null::boolean, null::boolean;
    return;
  end if;

  perform pg_catalog.set_config('app.tenant_id', v_tenant.id::text, true);

  select max(a.at) into v_last_success
    from tenantd.login_attempts a
   where a.tenant_id = v_tenant.id and a.email = v_email and a.succeeded
     and a.at > v_now - interval '15 minutes';
  select count(*), min(f.at) into v_failures, v_fifth
    from (select a.at
            from tenantd.login_attempts a
           where a.tenant_id = v_tenant.id and a.email = v_email and not a.succeeded
             and a.at > greatest(v_now - interval '15 minutes',
                                 coalesce(v_last_success, '-infinity'::timestamptz))
           order by a.at desc
           limit 5) f;
  if v_failures >= 5 then
    return query select 'locked'::text,
                        greatest(1, ceil(extract(epoch from (v_fifth + interval '15 minutes' - v_now)))::int),
                        null::uuid, v_tenant.id, null::text, null::uuid, null::text, null::text,
                        null::boolean, null::boolean;
    return;
  end if;

  -- attempts older than a day no longer decide anything; keep the table small per account
  delete from tenantd.login_attempts a
   where a.tenant_id = v_tenant.id and a.email = v_email and a.at < v_now - interval '1 day';

  select u.* into v_user from tenantd.users u where lower(u.email) = v_email;
  if found then
    select m.* into v_membership from tenantd.memberships m
     where m.tenant_id = v_tenant.id and m.user_id = v_user.id;
    if not found then
      v_user := null;  -- an identity that is not a member of this tenant cannot log in here
    end if;
  end if;

  insert into tenantd.login_attempts as a (tenant_id, email, user_id, succeeded)
  values (v_tenant.id, v_email, v_user.id, false)
  returning a.id into v_attempt;

  return query select 'check'::text, null::int, v_attempt, v_tenant.id,
                      tenantd.tenant_state(v_tenant.status, v_tenant.deleted_at),
                      v_user.id, v_user.password_hash, v_membership.role, v_user.disabled,
                      v_membership.disabled;
end
$$;

revoke all on function api.auth_login_begin(text, text) from public;
grant execute on function api.auth_login_begin(text, text) to tenantd_app;
