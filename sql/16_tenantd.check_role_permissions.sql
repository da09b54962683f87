-- tenantd.check_role_permissions(permissions): validate the permission list of a role being
-- created or changed, raising the error the API answers with:
--   TD422 'unknown_permission: …'  NULL list, NULL element, or a name outside the catalogue
--   TD403 'role_escalation: …'     a permission the caller does not hold itself (roles:write
--                                  must not be a way to grant oneself more than one has)
-- Returns the list sorted and without duplicates.
create or replace function tenantd.check_role_permissions(p_permissions text[]) returns text[]
language plpgsql stable
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_perm text;
begin
  if p_permissions is null then
    raise exception using errcode = 'TDV07',
      message = 'permissions must be a list of permission names';
  end if;
  foreach v_perm in array p_permissions loop
    if v_perm is null or not (v_perm = any (tenantd.permission_catalogue())) then
      raise exception using errcode = 'TDV07',
        message = format('%s is not a permission (known: %s)',
                         coalesce(quote_literal(v_perm), 'null'),
                         array_to_string(tenantd.permission_catalogue(), ', '));
    end if;
    if not tenantd.has_permission(v_perm) then
      raise exception using errcode = 'TDF03',
        message = format('you cannot grant %s, which you do not hold', v_perm);
    end if;
  end loop;
  return array(select distinct p from unnest(p_permissions) as p order by p);
end
$$;

revoke all on function tenantd.check_role_permissions(text[]) from public;
grant execute on function tenantd.check_role_permissions(text[]) to tenantd_app;
