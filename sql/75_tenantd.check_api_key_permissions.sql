-- tenantd.check_api_key_permissions(permissions): the permissions a new key may be given, or a
-- refusal. Each must be in tenantd.permission_catalogue() (TDV07 unknown_permission), none
-- twice, at least one, and never api_keys:manage (TD422 validation_failed): a key that made keys
-- could mint successors that outlive its own expiry and revocation. Each must be held by the
-- acting member now (TDF03 role_escalation): a key never gets more than its creator had.
-- Returns the list sorted. Security invoker: reads only the context.
create or replace function tenantd.check_api_key_permissions(p_permissions text[]) returns text[]
language plpgsql stable
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_perm text;
begin
  if p_permissions is null or cardinality(p_permissions) = 0 then
    raise exception using errcode = 'TD422', message = 'permissions must name at least one permission';
  end if;
  if cardinality(p_permissions) > 64
     or (select count(distinct p) from pg_catalog.unnest(p_permissions) p) <> cardinality(p_permissions) then
    raise exception using errcode = 'TD422', message = 'permissions must not repeat a permission';
  end if;
  foreach v_perm in array p_permissions loop
    if v_perm is null or not v_perm = any (tenantd.permission_catalogue()) then
      raise exception using errcode = 'TDV07',
        message = format('unknown permission %s', coalesce(pg_catalog.left(v_perm, 64), 'null'));
    end if;
    if v_perm = 'api_keys:manage' then
      raise exception using errcode = 'TD422', message = 'an API key cannot be given api_keys:manage';
    end if;
    if not tenantd.has_permission(v_perm) then
      raise exception using errcode = 'TDF03',
        message = format('you cannot give a key the %s permission, which you do not have', v_perm);
    end if;
  end loop;
  return array(select p from pg_catalog.unnest(p_permissions) p order by p);
end
$$;

revoke all on function tenantd.check_api_key_permissions(text[]) from public;
grant execute on function tenantd.check_api_key_permissions(text[]) to tenantd_app;
