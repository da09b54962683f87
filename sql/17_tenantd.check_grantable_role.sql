-- tenantd.check_grantable_role(role): a role the caller may hand to someone in the current
-- tenant (adding a member, inviting). Raises TD422 unknown_role when the tenant has no such
-- role, TD403 role_escalation when the role holds a permission the caller lacks
-- (tenantd.may_grant_role), so members:write alone never makes a tenant_admin.
-- Security invoker: it reads the caller's own tenant's roles.
create or replace function tenantd.check_grantable_role(p_role text)
returns void
language plpgsql stable
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  if p_role is null or not exists (select 1 from tenantd.roles r
                                    where r.tenant_id = tenantd.current_tenant_id() and r.name = p_role) then
    raise exception using errcode = 'TDV09',
      message = format('role must be one of the tenant''s roles (got %s)',
                       coalesce(quote_literal(p_role), 'null'));
  end if;
  if not tenantd.may_grant_role(p_role) then
    raise exception using errcode = 'TDF03',
      message = format('role %s holds permissions you do not have', p_role);
  end if;
end
$$;

revoke all on function tenantd.check_grantable_role(text) from public;
grant execute on function tenantd.check_grantable_role(text) to tenantd_app;
