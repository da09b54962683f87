-- tenantd.activate_after_onboarding(): activate the current tenant once every required
-- onboarding step is completed. Only a pending or provisioning tenant becomes active: a
-- suspended, inactive, failed or deleted tenant is never (re)activated here, and an active one
-- stays as it is. Returns true when it activated the tenant now, with a 'tenant.activated' audit
-- row (actor = the caller, details.reason = 'onboarding completed') in the same transaction.
-- Called by tenantd.complete_onboarding_step when ONBOARDING_AUTO_ACTIVATE is on. The transition
-- and its side effects are those of tenantd.transition_tenant (pending/provisioning → active,
-- activated_at, status_reason, audit {from, to, reason}); it is not called because its update
-- needs tenants policies that admit the owner, and acting as super_admin around it would record
-- the caller as a super admin in its audit row.
--
-- SECURITY DEFINER because changing a tenant's status is a platform decision: the tenants
-- policies admit status changes from a super admin only (and tg_tenants__protect_columns refuses
-- them to everyone else), while the caller is an ordinary member of the tenant. Running as the
-- owner alone is not enough, since FORCE RLS binds the owner to the same policies, so for the
-- single UPDATE below the function acts as the platform (app.role = super_admin) and restores
-- the caller's role right after; audit and stamp columns still record the caller. It can do
-- nothing but this one transition of the context's own tenant, only when the onboarding data
-- says so, so it is safe to grant to the app role. search_path pinned, names schema-qualified.
create or replace function tenantd.activate_after_onboarding()
returns boolean
language plpgsql volatile security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.current_tenant_id();
  v_role text := pg_catalog.current_setting('app.role', true);
  v_permissions text := pg_catalog.current_setting('app.permissions', true);
  v_status text;
  v_count int;
begin
  if v_tenant is null then
    return false;
  end if;
  -- the tenant's status first: on Citus it is read from the reference table, while reading the
  -- onboarding steps as the owner, after the caller (the app role) updated them in this
  -- transaction, is refused ("placements that were modified in this transaction by a different
  -- user", docs/scale-out.md); an active tenant, the usual case, never gets that far
  select t.status into v_status
    from tenantd.tenants t
   where t.id = v_tenant and t.deleted_at is null;
  if v_status is null or v_status not in ('pending', 'provisioning') then
    return false;
  end if;
  if exists (select 1 from tenantd.onboarding_steps s
              where s.tenant_id = v_tenant and s.required and s.completed_at is null) then
    return false;
  end if;

  perform pg_catalog.set_config('app.role', 'super_admin', true);
  perform pg_catalog.set_config('app.permissions', tenantd.context_permissions('super_admin'), true);
  perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)
  -- the status test is repeated here: a concurrent suspend that committed meanwhile wins
  update tenantd.tenants t
     set status = 'active', activated_at = now(), status_reason = 'onboarding completed'
   where t.id = v_tenant and t.deleted_at is null and t.status = v_status;
  get diagnostics v_count = row_count;
  perform pg_catalog.set_config('app.role', coalesce(v_role, ''), true);
  perform pg_catalog.set_config('app.permissions', coalesce(v_permissions, ''), true);
  perform tenantd.propagate_context();  -- on Citus: as SET LOCAL (sql/39)
  if v_count = 0 then
    return false;
  end if;

  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (v_tenant, 'tenant.activated', 'tenant', v_tenant::text,
          jsonb_build_object('from', v_status, 'to', 'active', 'reason', 'onboarding completed'));
  return true;
end
$$;

revoke all on function tenantd.activate_after_onboarding() from public;
grant execute on function tenantd.activate_after_onboarding() to tenantd_app;
