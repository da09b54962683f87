-- api.get_tenant(ctx): GET /v1/tenants/{tenant}: the tenant the request acts in, with its
-- member_count (the memberships the caller may see: row-level security counts). Only a super
-- admin reads a suspended or deleted tenant.
-- Errors: TDN05 tenant_not_found, TDF04 tenant_suspended.
create or replace function api.get_tenant(ctx jsonb) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.enter(ctx);
  v_body json;
begin
  perform tenantd.require_active_or_super_admin(v_tenant);
  -- member_count appended as text: json keeps the field order
  select (left(tenantd.tenant_json(row(t.*)::tenantd.tenants)::text, -1) || ', "member_count" : '
            || (select count(*) from tenantd.memberships m where m.tenant_id = v_tenant)::text || '}')::json
    into v_body
    from tenantd.tenants t
   where t.id = v_tenant;
  if v_body is null then
    raise exception using errcode = 'TDN05', message = 'no such tenant';
  end if;
  return tenantd.reply(200, v_body);
end
$$;

revoke all on function api.get_tenant(jsonb) from public;
grant execute on function api.get_tenant(jsonb) to tenantd_app;
