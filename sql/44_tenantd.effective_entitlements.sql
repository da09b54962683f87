-- tenantd.effective_entitlements(tenant): the tenant's plan with its overrides applied, the one
-- answer to "what may this tenant do": {plan, limits: {metric: n | null}, features: {name:
-- bool}, overrides: {limits, features}}. A limit of null is unlimited. Each key of an override
-- replaces the plan's value of that key (tenantd.entitlement_overrides). Limits are named after
-- the quota metric they bound (tenantd.quota_metrics; sessions is the plan's max_sessions),
-- plus api_requests_per_minute (the per-tenant rate limit). Custom domains are a limit, not a flag:
-- domains need a domains limit above 0 (consume_quota('domains') refuses at 0).
-- Security invoker: it reads the tenant row and the override through their policies, so it
-- answers NULL for a tenant the caller cannot see. NULL is never "unlimited": consume_quota
-- refuses (quota_unavailable) when it gets NULL.
-- plpgsql, not sql: on Citus a SQL function's parameterised statement over a distributed table
-- fails ("could not create distributed plan"); plpgsql passes the values (docs/scale-out.md).
create or replace function tenantd.effective_entitlements(p_tenant uuid) returns jsonb
language plpgsql stable
as $$
begin
  return (select pg_catalog.jsonb_build_object(
           'plan', p.id,
           'limits', pg_catalog.jsonb_build_object(
                       'members', p.max_users,
                       'members_per_month', p.max_members_per_month,
                       'invitations_per_month', p.max_invitations_per_month,
                       'custom_roles', p.max_custom_roles,
                       'domains', p.custom_domains,
                       'api_keys', p.max_api_keys,
                       'sessions', p.max_sessions,
                       'api_requests_per_minute', p.api_requests_per_minute)
                     || coalesce(o.limits, '{}'),
           'features', p.features || coalesce(o.features, '{}'),
           'overrides', pg_catalog.jsonb_build_object('limits', coalesce(o.limits, '{}'),
                                                      'features', coalesce(o.features, '{}'),
                                                      'reason', o.reason))
    from tenantd.tenants t
    join tenantd.plans p on p.id = t.plan
    left join tenantd.entitlement_overrides o on o.tenant_id = t.id
   where t.id = p_tenant);
end
$$;

revoke all on function tenantd.effective_entitlements(uuid) from public;
grant execute on function tenantd.effective_entitlements(uuid) to tenantd_app, tenantd_readonly;
