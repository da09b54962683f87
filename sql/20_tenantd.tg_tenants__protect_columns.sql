-- tenantd.tg_tenants__protect_columns(): a tenant_admin may update their own tenant row
-- (policies/tenants.sql), but only its presentation (name, description). Identity, plan,
-- metadata, lifecycle and provisioning columns are platform decisions: changing them takes a
-- super admin (issue 4: "a tenant_admin may change name and description of its own tenant
-- only"; api.update_tenant applies the same rule). Policies cannot compare old and new values,
-- hence a trigger. Members of tenantd_owner (migrations, DBAs in psql) are not restricted.
create or replace function tenantd.tg_tenants__protect_columns() returns trigger
language plpgsql volatile
as $$
begin
  if tenantd.is_super_admin() or pg_has_role(current_user, 'tenantd_owner', 'member') then
    return new;
  end if;
  if (new.id, new.slug, new.status, new.plan, new.external_id, new.metadata, new.provisioning_status,
      new.provisioning_error, new.provisioning_attempts, new.provisioning_started_at,
      new.provisioning_completed_at, new.activated_at, new.suspended_at, new.deleted_at,
      new.status_reason)
     is distinct from
     (old.id, old.slug, old.status, old.plan, old.external_id, old.metadata, old.provisioning_status,
      old.provisioning_error, old.provisioning_attempts, old.provisioning_started_at,
      old.provisioning_completed_at, old.activated_at, old.suspended_at, old.deleted_at,
      old.status_reason)
  then
    raise exception using
      errcode = 'TD403',
      message = 'only a super admin may change a tenant''s slug, status, plan, external id, '
                'metadata, provisioning or lifecycle fields',
      hint = 'a tenant admin may change name and description';
  end if;
  return new;
end
$$;

revoke all on function tenantd.tg_tenants__protect_columns() from public;

create or replace trigger tg_tenants__protect_columns before update on tenantd.tenants
  for each row execute function tenantd.tg_tenants__protect_columns();
