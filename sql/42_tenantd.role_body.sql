-- tenantd.role_body(role_id): the role object (tenantd.role_json) of one role of the current
-- tenant as the caller sees it, NULL when row-level security shows no such role. Shared by the
-- role endpoints that answer with the role (get, create, update).
-- Security invoker. plpgsql, not sql: on Citus a SQL function's parameterised statement over a
-- distributed table fails ("could not create distributed plan"); plpgsql passes the values.
-- The permissions inline, as in api.list_roles (no function querying a table inside the query).
create or replace function tenantd.role_body(p_role_id uuid) returns json
language plpgsql stable
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.current_tenant_id();  -- a parameter: Citus routes to one shard
begin
  return (select tenantd.role_json(r.id, r.name, r.description, r.built_in,
                           case when r.built_in then tenantd.builtin_role_permissions(r.name)
                                  else coalesce((select array_agg(rp.permission order by rp.permission)
                                                   from tenantd.role_permissions rp
                                                  where rp.tenant_id = r.tenant_id and rp.role_id = r.id
                                                    and rp.tenant_id = v_tenant),
                                                '{}'::text[]) end,
                           r.created_at, r.updated_at)
    from tenantd.roles r
   where r.id = p_role_id
     and r.tenant_id = v_tenant);
end
$$;

revoke all on function tenantd.role_body(uuid) from public;
grant execute on function tenantd.role_body(uuid) to tenantd_app, tenantd_readonly;
