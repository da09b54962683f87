-- api.list_roles(ctx, limit, after): GET /v1/roles, one page of the current tenant's roles
-- (built-ins and tenant-defined) in name order, as {"data": [role…], "next_cursor": text|null}.
-- after: the last name of the previous page (decoded from the cursor by the handler), NULL for
-- the first page. Every member reads the roles.
-- Security invoker: the roles policies show this tenant's roles only.
create or replace function api.list_roles(ctx jsonb, p_limit int, p_after text) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_rows json[];
  v_tenant uuid;
begin
  v_tenant := tenantd.enter(ctx);
  if p_limit is null or p_limit not between 1 and 200 then
    raise exception using errcode = 'TD400', message = 'limit must be between 1 and 200';
  end if;
  -- one row more than asked: it only says whether another page exists. The permissions inline
  -- (what tenantd.permissions_of_role computes): on Citus the query runs on the worker, where a
  -- function that queried a distributed table would fail (a distributed query from a shard).
  v_rows := array(select tenantd.role_json(r.id, r.name, r.description, r.built_in,
                                           case when r.built_in then tenantd.builtin_role_permissions(r.name)
                                                else coalesce((select array_agg(rp.permission order by rp.permission)
                                                                 from tenantd.role_permissions rp
                                                                where rp.tenant_id = r.tenant_id and rp.role_id = r.id
                                                                  and rp.tenant_id = v_tenant),
                                                              '{}'::text[]) end,
                                           r.created_at, r.updated_at)
                    from tenantd.roles r
                   where r.name > coalesce(p_after, '')
                     and r.tenant_id = v_tenant
                   order by r.name limit p_limit + 1);
  return tenantd.reply(200, tenantd.page(v_rows, p_limit, 'name'));
end
$$;

revoke all on function api.list_roles(jsonb, int, text) from public;
grant execute on function api.list_roles(jsonb, int, text) to tenantd_app;
