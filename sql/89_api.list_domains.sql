-- api.list_domains(ctx, limit, after): GET /v1/domains, the tenant's domains by hostname; the
-- cursor is the last hostname of the page. Row-level security decides what the caller sees
-- (config:read).
create or replace function api.list_domains(ctx jsonb, p_limit int, p_after text) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_rows json[];
begin
  perform tenantd.enter(ctx);
  if p_limit is null or p_limit not between 1 and 200 then
    raise exception using errcode = 'TD400', message = 'limit must be between 1 and 200';
  end if;
  -- one row more than asked: it only says whether another page exists
  v_rows := array(select tenantd.domain_json(row(d.*)::tenantd.domains)
                    from tenantd.domains d
                   where d.tenant_id = tenantd.current_tenant_id() and d.hostname > coalesce(p_after, '')
                   order by d.hostname limit p_limit + 1);
  return tenantd.reply(200, tenantd.page(v_rows, p_limit, 'hostname'));
end
$$;

revoke all on function api.list_domains(jsonb, int, text) from public;
grant execute on function api.list_domains(jsonb, int, text) to tenantd_app;
