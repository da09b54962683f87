-- tenantd.tg_role_permissions__not_built_in(): BEFORE INSERT OR UPDATE on role_permissions:
-- built-in roles get no permission rows (their permissions are tenantd.builtin_role_permissions,
-- so tenant_admin follows the catalogue), and a row must name a role the writer can see.
-- This was a WITH CHECK (exists (select … from roles …)) on the role_permissions policies; it
-- is a trigger because policies look into no other table (Citus refuses policies with
-- subqueries, and a policy that reads another table is that table's policy too).
-- Security invoker, as the policy's subquery was: the role is looked up with the writer's rights,
-- so only the tenant's own roles count, and an unseen role is refused (fail closed). The
-- refusal is 42501, the SQLSTATE the policy raised.
create or replace function tenantd.tg_role_permissions__not_built_in() returns trigger
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  if not exists (select 1
                   from tenantd.roles r
                  where r.tenant_id = new.tenant_id
                    and r.id = new.role_id
                    and not r.built_in) then
    raise exception using errcode = '42501',
      message = 'permissions can be given to tenant-defined roles of this tenant only';
  end if;
  return new;
end
$$;

-- triggers never need EXECUTE at fire time; nobody calls this directly
revoke all on function tenantd.tg_role_permissions__not_built_in() from public;

create or replace trigger tg_role_permissions__not_built_in
  before insert or update on tenantd.role_permissions
  for each row execute function tenantd.tg_role_permissions__not_built_in();
