-- tenantd.enqueue_domain_check(tenant, domain): starts a new chain of DNS checks for a domain of
-- the current tenant (a claim, a re-claim, "verify now"): bumps the domain's check_generation
-- and queues a 'domain.check' job for now. A job of an older generation ends without a
-- successor (tenantd.record_domain_check), so a domain has one live chain however often its
-- tenant asks. Returns the new generation. TDN09 domain_not_found for a domain the current
-- tenant does not have.
-- SECURITY DEFINER: the app role has no grant on tenantd.jobs and may not write
-- check_generation of a verified domain (its update policy admits pending rows only).
create or replace function tenantd.enqueue_domain_check(p_tenant uuid, p_domain uuid) returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_generation integer;
begin
  -- read first, refuse before writing: on Citus an owner's write to domains (a reference table)
  -- after the app role wrote it in the same transaction is a distributed deadlock, so a refusal
  -- must not need one (a claim queues its first check through tenantd.enqueue_claim_check)
  perform 1 from tenantd.domains d
   where d.tenant_id = p_tenant and d.id = p_domain
     and p_tenant = tenantd.current_tenant_id()
     and d.status in ('pending', 'verified', 'unverified');
  if not found then
    raise exception using errcode = 'TDN09', message = 'no such domain in this tenant';
  end if;
  update tenantd.domains d
     set check_generation = d.check_generation + 1, updated_at = now()
   where d.tenant_id = p_tenant and d.id = p_domain
     and p_tenant = tenantd.current_tenant_id()
     and d.status in ('pending', 'verified', 'unverified')
  returning d.check_generation into v_generation;
  if v_generation is null then
    raise exception using errcode = 'TDN09', message = 'no such domain in this tenant';
  end if;
  perform tenantd.enqueue_job('domain.check',
    jsonb_build_object('tenant_id', p_tenant, 'domain_id', p_domain, 'generation', v_generation),
    now(), 3, 'domain.check:' || p_domain::text || ':' || v_generation::text);
  return v_generation;
end
$$;

revoke all on function tenantd.enqueue_domain_check(uuid, uuid) from public;
grant execute on function tenantd.enqueue_domain_check(uuid, uuid) to tenantd_app;
