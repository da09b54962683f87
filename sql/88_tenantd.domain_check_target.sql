-- tenantd.domain_check_target(tenant, domain, generation): what the 'domain.check' job asks DNS
-- about (src/jobs/domains.cpp): the hostname, the token the TXT record must hold and the CNAME
-- target. No row when the job is stale (domain deleted, a newer chain started, or the claim
-- ended): the job then does nothing.
-- SECURITY DEFINER: the worker has no context and no grant on tenantd.domains. Worker only.
create or replace function tenantd.domain_check_target(p_tenant uuid, p_domain uuid, p_generation integer)
returns table (hostname text, token text, cname_target text, status text)
language sql stable security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
  select d.hostname, d.token, d.cname_target, d.status
    from tenantd.domains d
   where d.tenant_id = p_tenant and d.id = p_domain and d.check_generation = p_generation
     and d.status in ('pending', 'verified', 'unverified')
$$;

revoke all on function tenantd.domain_check_target(uuid, uuid, integer) from public;
grant execute on function tenantd.domain_check_target(uuid, uuid, integer) to tenantd_worker;
