-- api.put_allowed_origins(ctx, origins): PUT /v1/allowed-origins {"origins": [...]}. Replaces the
-- current tenant's list of allowed origins with `origins` (a JSON array of strings, at most 50,
-- each listed once; an empty array removes them all) and answers the list as GET does. The
-- handler has normalised every origin (src/util/origin.hpp: lower case, IDNA A-labels, default
-- port removed); the table's check refuses anything else (TD422 here, so a psql caller gets a
-- clear message too). Writes one 'allowed_origins.replaced' audit row with what was added and
-- removed, in the same transaction. Concurrent replaces of one tenant's list are serialised by a
-- transaction-level advisory lock, so the second sees the first's result.
-- Errors: TD403 without tenant:write (the route table, this function and the policies), TD422 not an
-- array of strings, an origin twice or not in canonical form, TDV06 more than 50.
create or replace function api.put_allowed_origins(ctx jsonb, p_origins jsonb) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid;
  v_new text[];
  v_old text[];
  v_added text[];
  v_removed text[];
  v_origin text;
  k_max constant int := 50;
begin
  v_tenant := tenantd.enter(ctx);
  if v_tenant is null then
    raise exception using errcode = 'TD400', message = 'no tenant context',
      hint = 'name the tenant in the path, the token or the tenant header';
  end if;
  -- the route table asks for it already; repeated for psql callers (ctx NULL), so that a caller
  -- who may not write gets no audit row for a replace that removes nothing
  if not tenantd.has_permission('tenant:write') then
    raise exception using errcode = 'TD403', message = 'replacing the allowed origins needs the tenant:write permission';
  end if;
  if p_origins is null or jsonb_typeof(p_origins) <> 'array'
     or exists (select 1 from jsonb_array_elements(p_origins) e where jsonb_typeof(e) <> 'string') then
    raise exception using errcode = 'TD422', message = 'origins must be an array of strings';
  end if;
  if jsonb_array_length(p_origins) > k_max then
    raise exception using errcode = 'TDV06',
      message = format('a tenant may allow at most %s origins, %s were given', k_max, jsonb_array_length(p_origins));
  end if;
  select coalesce(array_agg(distinct e), '{}') into v_new from jsonb_array_elements_text(p_origins) e;
  if cardinality(v_new) <> jsonb_array_length(p_origins) then
    raise exception using errcode = 'TD422', message = 'an origin is listed more than once';
  end if;

  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('tenantd.allowed_origins:' || v_tenant, 0));
  select coalesce(array_agg(o.origin order by o.origin), '{}') into v_old
    from tenantd.allowed_origins o where o.tenant_id = v_tenant;
  select coalesce(array_agg(e order by e), '{}') into v_added from unnest(v_new) e where not e = any (v_old);
  select coalesce(array_agg(e order by e), '{}') into v_removed from unnest(v_old) e where not e = any (v_new);

  delete from tenantd.allowed_origins o where o.tenant_id = v_tenant and o.origin = any (v_removed);
  begin
    -- a row at a time: Citus runs INSERT … SELECT into a distributed table from anything but a
    -- colocated table through COPY, which it refuses under row-level security
    foreach v_origin in array v_added loop
      insert into tenantd.allowed_origins (tenant_id, origin) values (v_tenant, v_origin);
    end loop;
  exception when check_violation then
    raise exception using errcode = 'TD422',
      message = 'an origin is not of the form scheme://host[:port] (lower case, https, or http for a loopback host; no path, wildcard or default port)';
  end;

  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (v_tenant, 'allowed_origins.replaced', 'tenant', v_tenant::text,
          jsonb_build_object('added', to_jsonb(v_added), 'removed', to_jsonb(v_removed)));

  return tenantd.reply(200, json_build_object('origins',
    (select coalesce(json_agg(e order by e), '[]'::json) from unnest(v_new) e)));
end
$$;

revoke all on function api.put_allowed_origins(jsonb, jsonb) from public;
grant execute on function api.put_allowed_origins(jsonb, jsonb) to tenantd_app;
