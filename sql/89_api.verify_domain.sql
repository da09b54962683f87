-- api.verify_domain(ctx, id): POST /v1/domains/{id}/verify, "check now". The DNS is asked by the
-- verification job, not in the request (the app role cannot mark a domain verified): this
-- queues a check for now and answers 202 with the domain and its status URL. A failed or
-- expired claim is over (TDC17 domain_claim_ended: claim the hostname again).
create or replace function api.verify_domain(ctx jsonb, p_id uuid) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_row tenantd.domains;
begin
  perform tenantd.enter(ctx);
  if not tenantd.has_permission('tenant:write') then
    raise exception using errcode = 'TD403', message = 'checking a domain needs the tenant:write permission';
  end if;
  select * into v_row from tenantd.domains d where d.tenant_id = tenantd.current_tenant_id() and d.id = p_id;
  if not found then
    raise exception using errcode = 'TDN09', message = 'no such domain in this tenant';
  end if;
  if v_row.status in ('failed', 'expired') then
    raise exception using errcode = 'TDC17',
      message = format('this claim is %s; claim the hostname again with POST /v1/domains', v_row.status);
  end if;
  v_row.check_generation := tenantd.enqueue_domain_check(v_row.tenant_id, v_row.id);
  return tenantd.reply(202, tenantd.domain_json(v_row),
                       json_build_object('Location', '/v1/domains/' || v_row.id));
end
$$;

revoke all on function api.verify_domain(jsonb, uuid) from public;
grant execute on function api.verify_domain(jsonb, uuid) to tenantd_app;
