-- tenantd.require_feature(feature): refuse (TDF08 feature_not_available, 403, DETAIL
-- {"feature": …}) unless the current tenant's effective entitlements
-- (tenantd.effective_entitlements) switch the feature on. Fails closed: a tenant whose
-- entitlements cannot be read, or a feature the plan does not name, is refused.
-- Security invoker.
create or replace function tenantd.require_feature(p_feature text) returns void
language plpgsql stable
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  if coalesce((tenantd.effective_entitlements(tenantd.current_tenant_id()) -> 'features' ->> p_feature)::boolean,
              false) then
    return;
  end if;
  raise exception using errcode = 'TDF08',
    message = format('this tenant''s plan does not include %s', p_feature),
    detail = pg_catalog.jsonb_build_object('feature', p_feature)::text;
end
$$;

revoke all on function tenantd.require_feature(text) from public;
grant execute on function tenantd.require_feature(text) to tenantd_app;
