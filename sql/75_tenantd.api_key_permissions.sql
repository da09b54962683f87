-- tenantd.api_key_permissions(key permissions, creator role): what a request made with an API
-- key may do, in the form tenantd.enter keeps in app.permissions (',p1,p2,', or '' for none):
-- the key's own permissions that its creator's role still holds in the current tenant
-- (tenantd.context_permissions, so read after app.tenant_id is set). A key never does more than
-- the member who made it may do now: demoting the creator narrows their keys at once, and a key
-- whose creator left is refused before this is asked (tenantd.enter, TDU03).
-- Security invoker: called by tenantd.enter.
create or replace function tenantd.api_key_permissions(p_key_permissions text[], p_creator_role text)
returns text
language plpgsql stable
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_creator text := tenantd.context_permissions(p_creator_role);
  v_held text[];
begin
  if v_creator = '' or p_key_permissions is null then
    return '';
  end if;
  v_held := array(select p from pg_catalog.unnest(p_key_permissions) as p
                   where pg_catalog.strpos(p, ',') = 0
                     and pg_catalog.strpos(v_creator, ',' || p || ',') > 0
                   order by p);
  if cardinality(v_held) = 0 then
    return '';
  end if;
  return ',' || pg_catalog.array_to_string(v_held, ',') || ',';
end
$$;

revoke all on function tenantd.api_key_permissions(text[], text) from public;
