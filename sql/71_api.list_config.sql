-- api.list_config(ctx): GET /v1/config, every configuration entry of the current tenant the
-- caller may read, grouped by type: {"general": [...], "auth": [...], "billing": [...],
-- "features": [...], "integrations": [...]}, each type present (empty when there is nothing to
-- show) and ordered by key. What is visible is tenantd.list_config(NULL)'s rule: row-level
-- security (feature flags for every member, integrations only with config:secrets).
create or replace function api.list_config(ctx jsonb) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  perform tenantd.enter(ctx);
  return tenantd.reply(200, (
    select json_object_agg(t.type, coalesce(e.entries, '[]'::json) order by t.ord)
      from unnest(array['general', 'auth', 'billing', 'features', 'integrations']) with ordinality t (type, ord)
      left join (select c.type,
                        json_agg(tenantd.config_json(c.id, c.type, c.key, c.value, c.is_active, c.created_at,
                                                     c.updated_at, c.created_by, c.updated_by)
                                 order by c.key) as entries
                   from tenantd.list_config(null) c
                  group by c.type) e on e.type = t.type));
end
$$;

revoke all on function api.list_config(jsonb) from public;
grant execute on function api.list_config(jsonb) to tenantd_app;
