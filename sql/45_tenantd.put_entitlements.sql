-- tenantd.put_entitlements(limits, features, reason): replace the current tenant's plan
-- overrides (tenantd.entitlement_overrides; empty objects remove every override) and return the
-- effective entitlements. A registered platform operator only: a tenant admin cannot change what
-- their plan allows (the override policies refuse them too; this gives the clear error first).
-- Writes an 'entitlements.updated' audit row with the old and new overrides, in the same
-- transaction.
-- Errors: TD400 no tenant context · TD403 not a platform operator · TDV10 invalid_entitlements.
-- Security invoker: the write goes through the override policies.
create or replace function tenantd.put_entitlements(p_limits jsonb, p_features jsonb, p_reason text)
returns jsonb
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.current_tenant_id();
  v_old jsonb;
begin
  if v_tenant is null then
    raise exception using errcode = 'TD400', message = 'no tenant context';
  end if;
  if not tenantd.is_super_admin() then
    raise exception using errcode = 'TD403',
      message = 'only a platform operator may change a tenant''s entitlements';
  end if;
  perform tenantd.check_entitlement_overrides(p_limits, p_features);
  if length(p_reason) > 1000 then
    raise exception using errcode = 'TD422', message = 'reason is longer than 1000 characters';
  end if;

  select jsonb_build_object('limits', o.limits, 'features', o.features) into v_old
    from tenantd.entitlement_overrides o where o.tenant_id = v_tenant;
  insert into tenantd.entitlement_overrides as o (tenant_id, limits, features, reason, updated_by)
  values (v_tenant, p_limits, p_features, p_reason, tenantd.current_user_id())
  on conflict (tenant_id) do update
     set limits = excluded.limits, features = excluded.features, reason = excluded.reason,
         updated_by = excluded.updated_by, updated_at = now();

  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (v_tenant, 'entitlements.updated', 'tenant', v_tenant::text,
          jsonb_build_object('old', v_old, 'new',
                             jsonb_build_object('limits', p_limits, 'features', p_features),
                             'reason', p_reason));
  return tenantd.effective_entitlements(v_tenant);
end
$$;

revoke all on function tenantd.put_entitlements(jsonb, jsonb, text) from public;
grant execute on function tenantd.put_entitlements(jsonb, jsonb, text) to tenantd_app;
