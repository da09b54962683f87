-- api.get_domain(ctx, id): GET /v1/domains/{id}. Another tenant's id answers like a missing one.
create or replace function api.get_domain(ctx jsonb, p_id uuid) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_body json;
begin
  perform tenantd.enter(ctx);
  select tenantd.domain_json(row(d.*)::tenantd.domains) into v_body
    from tenantd.domains d where d.tenant_id = tenantd.current_tenant_id() and d.id = p_id;
  if v_body is null then
    raise exception using errcode = 'TDN09', message = 'no such domain in this tenant';
  end if;
  return tenantd.reply(200, v_body);
end
$$;

revoke all on function api.get_domain(jsonb, uuid) from public;
grant execute on function api.get_domain(jsonb, uuid) to tenantd_app;
