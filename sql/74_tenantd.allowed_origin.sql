-- tenantd.allowed_origin(tenant_ref, origin): may a page on `origin` call the API in the tenant
-- `tenant_ref` names? tenant_ref is what the request names before any authentication: a uuid or
-- slug (the path /v1/tenants/{tenant}/…, the Host's subdomain) or a custom domain's hostname
-- (the Host; verified domains only, tenantd.tenant_of_domain). False for an unknown or deleted
-- tenant, an unknown reference and any origin not stored exactly as given. The dispatcher asks
-- it for CORS preflights and actual requests (src/http/cors.cpp), through a short in-process
-- cache, so most requests cost no statement.
--
-- SECURITY DEFINER: a preflight carries no credentials, so there is no context and the policies
-- of tenants and allowed_origins hide every row. It returns one boolean, which the service
-- answers publicly anyway (a preflight from that origin gets CORS headers or not), and reads
-- nothing else. Two index probes: the tenant by id, slug or verified hostname, then the
-- (tenant_id, origin) primary key.
create or replace function tenantd.allowed_origin(p_tenant_ref text, p_origin text) returns boolean
language plpgsql stable security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_id uuid;
  v_tenant uuid;
begin
  if p_tenant_ref is null or p_origin is null or length(p_tenant_ref) > 253 or length(p_origin) > 300 then
    return false;
  end if;
  v_id := tenantd.parse_uuid(p_tenant_ref);
  if v_id is not null then
    select t.id into v_tenant from tenantd.tenants t where t.id = v_id and t.deleted_at is null;
  elsif strpos(p_tenant_ref, '.') > 0 then
    v_tenant := tenantd.tenant_of_domain(p_tenant_ref);  -- slugs have no dot
  else
    select t.id into v_tenant from tenantd.tenants t where t.slug = p_tenant_ref and t.deleted_at is null;
  end if;
  if v_tenant is null then
    return false;
  end if;
  return exists (select 1 from tenantd.allowed_origins o where o.tenant_id = v_tenant and o.origin = p_origin);
end
$$;

revoke all on function tenantd.allowed_origin(text, text) from public;
grant execute on function tenantd.allowed_origin(text, text) to tenantd_app;
