-- tenantd.verify_preseed(tenant): what is missing from a provisioned tenant's preseed, one text
-- per problem; an empty array means complete. tenantd.provision_tenant calls it last and makes
-- the tenant active only when it is empty (otherwise the whole provisioning rolls back).
-- Checks: the three built-in roles; every default onboarding step; one 'features' config row
-- per feature of the tenant's plan; the admin of its sign-up (a tenant_admin membership of the
-- user with that email when a password was given, a pending tenant_admin invitation with the
-- sign-up's token hash otherwise); a 'tenant.provisioned' audit row.
-- Security invoker: it sees what its caller sees. Provisioning runs it as the owner in the
-- tenant's (system) context; DBAs and pgTAP run it as a superuser. No EXECUTE for the app.
create or replace function tenantd.verify_preseed(p_tenant uuid)
returns text[]
language plpgsql stable
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_problems text[] := '{}';
  v_plan text;
  v_signup tenantd.tenant_signups%rowtype;
  v_missing text;
begin
  select t.plan into v_plan from tenantd.tenants t where t.id = p_tenant;
  if not found then
    return array['tenant not found'];
  end if;

  select string_agg(b.name, ', ' order by b.name) into v_missing
    from unnest(array['member', 'read_only', 'tenant_admin']) as b (name)
   where not exists (select 1 from tenantd.roles r
                      where r.tenant_id = p_tenant and r.name = b.name and r.built_in);
  if v_missing is not null then
    v_problems := v_problems || ('missing built-in roles: ' || v_missing);
  end if;

  select string_agg(d.key, ', ' order by d.key) into v_missing
    from tenantd.onboarding_default_steps() d
   where not exists (select 1 from tenantd.onboarding_steps s
                      where s.tenant_id = p_tenant and s.key = d.key);
  if v_missing is not null then
    v_problems := v_problems || ('missing onboarding steps: ' || v_missing);
  end if;

  select string_agg(f.key, ', ' order by f.key) into v_missing
    from tenantd.plans p, jsonb_each(p.features) f
   where p.id = v_plan
     and not exists (select 1 from tenantd.tenant_configs c
                      where c.tenant_id = p_tenant and c.type = 'features' and c.key = f.key);
  if v_missing is not null then
    v_problems := v_problems || ('missing plan features: ' || v_missing);
  end if;

  select * into v_signup from tenantd.tenant_signups s where s.tenant_id = p_tenant;
  if found then
    if v_signup.invitation_token_hash is null then
      if not exists (select 1 from tenantd.memberships m
                      where m.tenant_id = p_tenant and m.role = 'tenant_admin'
                        and lower(m.email) = lower(v_signup.admin_email)) then
        v_problems := v_problems || 'missing admin membership'::text;
      end if;
    elsif not exists (select 1 from tenantd.invitations i
                       where i.tenant_id = p_tenant and i.role = 'tenant_admin'
                         and i.token_hash = v_signup.invitation_token_hash) then
      v_problems := v_problems || 'missing admin invitation'::text;
    end if;
  end if;

  if not exists (select 1 from tenantd.audit_log a
                  where a.tenant_id = p_tenant and a.action = 'tenant.provisioned') then
    v_problems := v_problems || 'missing tenant.provisioned audit row'::text;
  end if;
  return v_problems;
end
$$;

revoke all on function tenantd.verify_preseed(uuid) from public;
