-- tenantd.record_domain_check(tenant, domain, generation, ok, error, poll_seconds, max_attempts,
-- recheck_seconds): the outcome of one DNS check of the 'domain.check' job, in the job's
-- transaction (so the state change, its audit row, the next job and "completed" commit
-- together). ok = both the TXT and the CNAME record matched; error says what did not
-- (NXDOMAIN, wrong value, timeout, …). Returns what happened, for the job's log and metrics:
--   stale       the domain is gone, a newer check chain exists or the claim ended: nothing done
--   verified    a pending (or unverified) claim verified; the other tenants' pending claims of
--               the hostname become failed with last_error 'domain_taken'
--   taken       the check matched but another tenant verified the hostname first: failed
--   pending     not yet; checked again after poll_seconds (attempts counts the checks)
--   failed      not verified after max_attempts checks
--   expired     the claim is older than its expires_at (DOMAIN_CLAIM_TTL_DAYS) and unverified
--   rechecked   a verified domain's periodic check matched
--   recheck_failed  it did not (recheck_failures counts consecutive misses)
--   unverified  the third consecutive miss: the domain stops routing, and is still re-checked
-- Races: the domain row lock (FOR UPDATE) orders checks of one domain; between tenants the
-- unique index domains_verified_hostname_key decides: of two transactions verifying the same
-- hostname, the second waits for the first and then gets unique_violation, and its claim fails.
-- SECURITY DEFINER: the worker has no context; it writes verified/failed states the app role may
-- not write, fails other tenants' claims, and queues the next check. Worker only.
create or replace function tenantd.record_domain_check(
  p_tenant uuid, p_domain uuid, p_generation integer, p_ok boolean, p_error text,
  p_poll_seconds integer, p_max_attempts integer, p_recheck_seconds integer)
returns text
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_d tenantd.domains%rowtype;
  v_other record;
  v_outcome text;
  v_next timestamptz;
  v_error text := left(coalesce(p_error, ''), 200);
begin
  -- Checks of one hostname (in any tenant) take turns: a verification fails the other tenants'
  -- pending claims, whose rows their own checks may hold, so without this two verifications of
  -- one hostname would wait for each other's row locks (a deadlock). With it the second sees its
  -- claim already failed. The unique index still decides for any writer that skips this lock.
  select d.hostname into v_d.hostname from tenantd.domains d where d.tenant_id = p_tenant and d.id = p_domain;
  if v_d.hostname is not null then
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('tenantd.domains:' || v_d.hostname, 0));
  end if;
  select * into v_d from tenantd.domains d where d.tenant_id = p_tenant and d.id = p_domain for update;
  if not found or v_d.check_generation <> p_generation
     or v_d.status not in ('pending', 'verified', 'unverified') then
    return 'stale';
  end if;

  if v_d.status = 'pending' and now() >= v_d.expires_at then
    update tenantd.domains d
       set status = 'expired', last_error = 'the claim expired unverified', updated_at = now()
     where d.tenant_id = p_tenant and d.id = p_domain;
    perform tenantd.domain_audit(p_tenant, 'domain.expire', p_domain, jsonb_build_object('hostname', v_d.hostname));
    return 'expired';
  end if;

  if p_ok and v_d.status in ('pending', 'unverified') then
    begin
      update tenantd.domains d
         set status = 'verified', verified_at = now(), attempts = d.attempts + 1, recheck_failures = 0,
             last_checked_at = now(), last_error = null, updated_at = now()
       where d.tenant_id = p_tenant and d.id = p_domain;
      v_outcome := 'verified';
    exception when unique_violation then
      v_outcome := 'taken';
    end;
    if v_outcome = 'taken' then
      update tenantd.domains d
         set status = 'failed', attempts = d.attempts + 1, last_checked_at = now(),
             last_error = 'domain_taken', updated_at = now()
       where d.tenant_id = p_tenant and d.id = p_domain;
      perform tenantd.domain_audit(p_tenant, 'domain.fail', p_domain,
                                   jsonb_build_object('hostname', v_d.hostname, 'reason', 'domain_taken'));
      return 'taken';
    end if;
    perform tenantd.domain_audit(p_tenant, 'domain.verify', p_domain, jsonb_build_object('hostname', v_d.hostname));
    -- the first to verify wins: the other pending claims of this hostname end now
    for v_other in
      update tenantd.domains d
         set status = 'failed', last_error = 'domain_taken', updated_at = now()
       where d.hostname = v_d.hostname and d.status = 'pending' and d.id <> p_domain
      returning d.tenant_id, d.id
    loop
      perform tenantd.domain_audit(v_other.tenant_id, 'domain.fail', v_other.id,
                                   jsonb_build_object('hostname', v_d.hostname, 'reason', 'domain_taken'));
    end loop;
    v_next := now() + make_interval(secs => p_recheck_seconds);
  elsif p_ok then
    -- a verified domain's periodic check
    update tenantd.domains d
       set recheck_failures = 0, last_checked_at = now(), last_error = null, updated_at = now()
     where d.tenant_id = p_tenant and d.id = p_domain;
    v_outcome := 'rechecked';
    v_next := now() + make_interval(secs => p_recheck_seconds);
  elsif v_d.status = 'pending' then
    if v_d.attempts + 1 >= p_max_attempts then
      update tenantd.domains d
         set status = 'failed', attempts = d.attempts + 1, last_checked_at = now(), last_error = v_error,
             updated_at = now()
       where d.tenant_id = p_tenant and d.id = p_domain;
      perform tenantd.domain_audit(p_tenant, 'domain.fail', p_domain,
                                   jsonb_build_object('hostname', v_d.hostname, 'reason', v_error,
                                                      'attempts', v_d.attempts + 1));
      return 'failed';
    end if;
    update tenantd.domains d
       set attempts = d.attempts + 1, last_checked_at = now(), last_error = v_error, updated_at = now()
     where d.tenant_id = p_tenant and d.id = p_domain;
    v_outcome := 'pending';
    v_next := now() + make_interval(secs => p_poll_seconds);
  else
    -- verified or unverified, and the records no longer match
    update tenantd.domains d
       set recheck_failures = d.recheck_failures + 1, last_checked_at = now(), last_error = v_error,
           status = case when d.recheck_failures + 1 >= 3 then 'unverified' else d.status end,
           updated_at = now()
     where d.tenant_id = p_tenant and d.id = p_domain;
    v_outcome := 'recheck_failed';
    if v_d.status = 'verified' and v_d.recheck_failures + 1 >= 3 then
      v_outcome := 'unverified';
      perform tenantd.domain_audit(p_tenant, 'domain.unverify', p_domain,
                                   jsonb_build_object('hostname', v_d.hostname, 'reason', v_error));
    end if;
    v_next := now() + make_interval(secs => p_recheck_seconds);
  end if;

  perform tenantd.enqueue_job('domain.check',
    jsonb_build_object('tenant_id', p_tenant, 'domain_id', p_domain, 'generation', p_generation),
    v_next, 3, null);
  return v_outcome;
end
$$;

revoke all on function tenantd.record_domain_check(uuid, uuid, integer, boolean, text, integer, integer, integer)
  from public;
grant execute on function tenantd.record_domain_check(uuid, uuid, integer, boolean, text, integer, integer, integer)
  to tenantd_worker;
