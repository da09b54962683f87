-- tenantd.auth_login_begin(tenant_ref, email): the first half of POST /v1/auth/token. Resolves the
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
-- and tenantd.auth_login_complete turns it into a success: concurrent guesses all count, and no
-- lock or transaction is held during the slow password hash.
--
-- outcome: 'unknown_tenant' (no live tenant by that reference: nothing recorded), 'locked', or
-- 'check' with attempt_id and key_params: the scrypt parameters and salt of the membership's
-- credential ("scrypt$N$r$p$<salt>", the stored hash without its key). The C++ layer derives
-- the key from the presented password with them and hands the result to
-- tenantd.auth_login_complete, which compares it with the stored hash inside the database.
-- The hash itself never leaves the database: a compromised app role can only make online
-- guesses, each one recorded here and locked out after five. When the tenant has no member with
-- that email, or the membership has no password, key_params carries a dummy salt derived from
-- (tenant, email), the same on every call, so the answer looks the same either way and the
-- derivation costs the same; tenantd.auth_login_complete then refuses.
--
-- SECURITY DEFINER because a login has no tenant context and no identity yet: it reads the
-- tenant by slug (tenants.select_as_owner), the user (users.select_as_owner) and the
-- membership's credential (memberships.select_as_owner; the app role has no grant on
-- password_hash). It sets app.tenant_id transaction-locally to the tenant named before touching
-- login_attempts, so those rows are read and written through the own-tenant policies.
-- search_path pinned, names schema-qualified.

-- The earlier version returned the password hash itself; CREATE OR REPLACE cannot change the
-- result columns, so it is dropped first.
create or replace function tenantd.auth_login_begin(p_tenant_ref text, p_email text)
returns table (outcome text, retry_after int, attempt_id uuid, tenant_id uuid, key_params text)
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
  v_user_id uuid;
  v_hash text;
  v_params text;
begin
  if tenantd.parse_uuid(p_tenant_ref) is not null then
    select t.* into v_tenant from tenantd.tenants t
     where t.id = tenantd.parse_uuid(p_tenant_ref) and t.deleted_at is null;
  else
    select t.* into v_tenant from tenantd.tenants t
     where t.slug = p_tenant_ref and t.deleted_at is null;
  end if;
  if v_tenant.id is null or length(v_email) > 254 then
    return query select 'unknown_tenant'::text, null::int, null::uuid, null::uuid, null::text;
    return;
  end if;

  perform pg_catalog.set_config('app.tenant_id', v_tenant.id::text, true);
  perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)

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
                        null::uuid, v_tenant.id, null::text;
    return;
  end if;

  -- attempts older than a day no longer decide anything; keep the table small per account
  delete from tenantd.login_attempts a
   where a.tenant_id = v_tenant.id and a.email = v_email and a.at < v_now - interval '1 day';

  -- this tenant's credential only: an identity that is not a member here, or whose membership
  -- here has no password, cannot log in here, whatever it has elsewhere
  select u.id, m.password_hash into v_user_id, v_hash
    from tenantd.users u
    join tenantd.memberships m on m.user_id = u.id and m.tenant_id = v_tenant.id
   where lower(u.email) = v_email;

  v_params := substring(v_hash from '^(scrypt\$[0-9]+\$[0-9]+\$[0-9]+\$[A-Za-z0-9_-]+)\$[A-Za-z0-9_-]+$');
  if v_params is null then
    v_user_id := null;
    v_params := 'scrypt$15$8$1$' || translate(rtrim(encode(substring(
                  sha256(convert_to('tenantd.dummy_salt:' || v_tenant.id::text || ':' || v_email, 'UTF8'))
                  from 1 for 16), 'base64'), '='), '+/', '-_');
  end if;

  insert into tenantd.login_attempts as a (tenant_id, email, user_id, succeeded)
  values (v_tenant.id, v_email, v_user_id, false)
  returning a.id into v_attempt;

  return query select 'check'::text, null::int, v_attempt, v_tenant.id, v_params;
end
$$;

revoke all on function tenantd.auth_login_begin(text, text) from public;
grant execute on function tenantd.auth_login_begin(text, text) to tenantd_app;
