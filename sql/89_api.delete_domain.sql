-- api.delete_domain(ctx, id): DELETE /v1/domains/{id}. 204; the domain stops routing at commit
-- and its pending check job finds nothing to do. Audited.
create or replace function api.delete_domain(ctx jsonb, p_id uuid) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_hostname text;
begin
  perform tenantd.enter(ctx);
  if not tenantd.has_permission('tenant:write') then
    raise exception using errcode = 'TD403', message = 'deleting a domain needs the tenant:write permission';
  end if;
  delete from tenantd.domains d where d.tenant_id = tenantd.current_tenant_id() and d.id = p_id
  returning d.hostname into v_hostname;
  if v_hostname is null then
    raise exception using errcode = 'TDN09', message = 'no such domain in this tenant';
  end if;
  insert into tenantd.audit_log (tenant_id, action, target_type, target_id, details)
  values (tenantd.current_tenant_id(), 'domain.delete', 'domain', p_id::text,
          jsonb_build_object('hostname', v_hostname));
  return tenantd.reply(204);
end
$$;

revoke all on function api.delete_domain(jsonb, uuid) from public;
grant execute on function api.delete_domain(jsonb, uuid) to tenantd_app;
