-- tenantd.domain_audit(tenant, action, domain, details): one audit row for a domain event in
-- the tenant the domain belongs to. Called by the verification job's function for its own
-- tenant and for other tenants whose pending claims lose a hostname, so it enters that tenant
-- as the platform (the audit_log insert policy admits rows of the context's tenant only) and
-- restores the caller's context. Not executable by any login role.
create or replace function tenantd.domain_audit(p_tenant uuid, p_action text, p_domain uuid, p_details jsonb)
returns void
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_saved text[];
begin
  v_saved := tenantd.enter_system_context(p_tenant);
  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (p_tenant, p_action, 'domain', p_domain::text, coalesce(p_details, '{}'));
  perform tenantd.leave_system_context(v_saved);
end
$$;

revoke all on function tenantd.domain_audit(uuid, text, uuid, jsonb) from public;
