-- tenantd.enqueue_claim_check(tenant, domain): queues the first DNS check of a claim or re-claim
-- of the current tenant (tenantd.claim_domain), at the check generation that the claim's own
-- write has just given the row. Returns that generation. TDN09 domain_not_found for a domain the
-- current tenant does not have pending. A second call for the same generation queues nothing
-- more (the job's dedupe key names the generation), so a caller gains no extra checks by it.
-- SECURITY DEFINER: the app role has no grant on tenantd.jobs. Unlike
-- tenantd.enqueue_domain_check it writes no domain row, only reads one: on Citus, domains is a
-- reference table, the claim has written it as the app role, and a write of the owner after it
-- in the same transaction waits on the app role's connection to the worker (a distributed
-- deadlock); the owner's read is answered from the coordinator's copy, which has the claim.
create or replace function tenantd.enqueue_claim_check(p_tenant uuid, p_domain uuid) returns integer
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_generation integer;
begin
  select d.check_generation into v_generation
    from tenantd.domains d
   where d.tenant_id = p_tenant and d.id = p_domain
     and p_tenant = tenantd.current_tenant_id()
     and d.status = 'pending';
  if v_generation is null then
    raise exception using errcode = 'TDN09', message = 'no such domain in this tenant';
  end if;
  perform tenantd.enqueue_job('domain.check',
    jsonb_build_object('tenant_id', p_tenant, 'domain_id', p_domain, 'generation', v_generation),
    now(), 3, 'domain.check:' || p_domain::text || ':' || v_generation::text);
  return v_generation;
end
$$;

revoke all on function tenantd.enqueue_claim_check(uuid, uuid) from public;
grant execute on function tenantd.enqueue_claim_check(uuid, uuid) to tenantd_app;
