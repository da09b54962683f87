-- tenantd.claim_domain(hostname, cname_target, ttl_days): claims a custom domain for the current
-- tenant (POST /v1/domains) and starts its DNS checks. The hostname comes normalised from the
-- service (src/util/hostname.cpp: lower case, IDNA A-labels, no port, no wildcard, no public
-- suffix alone, not under BASE_DOMAIN); the table's check repeats its shape for psql callers.
-- A claim of a hostname this tenant already claimed (pending, failed, expired) is a re-claim: the
-- same row starts over with a new token, counters reset and a new expiry.
-- Refuses: TDC15 domain_taken (another tenant has it verified), TDC16 domain_exists (this tenant
-- has it verified or unverified), TDF07 quota_exceeded (tenantd.consume_quota('domains'): the plan's custom_domains
-- against pending, verified and unverified claims), TDS01 quota_unavailable.
-- The count is exact under concurrency: the tenant's claims are serialised by a
-- transaction-level advisory lock on the tenant, taken before counting, so two concurrent
-- claims cannot both see room for one more (read committed: the second counts after the first
-- committed). Runs as the caller: the policies decide what it may write.
create or replace function tenantd.claim_domain(p_hostname text, p_cname_target text, p_ttl_days integer)
returns tenantd.domains
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.current_tenant_id();
  v_owner uuid;
  v_row tenantd.domains%rowtype;
  v_reclaim boolean;
  v_token text;
begin
  if v_tenant is null then
    raise exception using errcode = 'TD400', message = 'no tenant context';
  end if;
  if not tenantd.has_permission('tenant:write') then
    raise exception using errcode = 'TD403', message = 'claiming a domain needs the tenant:write permission';
  end if;
  if p_hostname is null or length(p_hostname) > 253
     or p_hostname !~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$' then
    raise exception using errcode = 'TDB08', message = 'the hostname is not a normalised DNS name';
  end if;
  if p_ttl_days is null or p_ttl_days not between 1 and 365 then
    raise exception using errcode = 'TD400', message = 'the claim TTL must be 1 to 365 days';
  end if;

  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('tenantd.domains.claims:' || v_tenant::text, 0));

  v_owner := tenantd.tenant_of_domain(p_hostname);
  if v_owner is not null and v_owner <> v_tenant then
    raise exception using errcode = 'TDC15', message = 'another tenant has verified this hostname';
  end if;
  select * into v_row from tenantd.domains d where d.tenant_id = v_tenant and d.hostname = p_hostname;
  v_reclaim := found;
  if v_reclaim and v_row.status in ('verified', 'unverified') then
    raise exception using errcode = 'TDC16', message = 'this tenant has already verified this hostname';
  end if;

  -- the plan's custom_domains (tenantd.effective_entitlements) counts pending, verified and
  -- unverified claims (tenantd.quota_used); re-claiming a claim that is still pending adds none
  if not (v_reclaim and v_row.status = 'pending') then
    perform tenantd.consume_quota('domains');
  end if;

  if v_reclaim then
    -- the token in a variable: Citus refuses a VOLATILE function in an UPDATE of a Citus table
    v_token := tenantd.new_invitation_token();
    update tenantd.domains d
       set token = v_token, cname_target = p_cname_target, status = 'pending',
           attempts = 0, recheck_failures = 0, last_checked_at = null, last_error = null,
           verified_at = null, expires_at = now() + make_interval(days => p_ttl_days), updated_at = now()
     where d.tenant_id = v_tenant and d.id = v_row.id
    returning * into v_row;
  else
    insert into tenantd.domains as d (hostname, token, cname_target, expires_at, created_by)
    values (p_hostname, tenantd.new_invitation_token(), p_cname_target,
            now() + make_interval(days => p_ttl_days), tenantd.current_user_id())
    returning * into v_row;
  end if;
  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (v_tenant, 'domain.claim', 'domain', v_row.id::text,
          jsonb_build_object('hostname', p_hostname, 'reclaim', v_reclaim));
  -- a new chain of checks: the generation is bumped here, by the caller, whose update policy
  -- admits this pending row, and the job queued by a definer that writes no domain row (on
  -- Citus a write of the owner after the caller's own to this reference table deadlocks)
  update tenantd.domains d set check_generation = d.check_generation + 1
   where d.tenant_id = v_tenant and d.id = v_row.id
  returning * into v_row;
  v_row.check_generation := tenantd.enqueue_claim_check(v_tenant, v_row.id);
  return v_row;
end
$$;

revoke all on function tenantd.claim_domain(text, text, integer) from public;
grant execute on function tenantd.claim_domain(text, text, integer) to tenantd_app;
