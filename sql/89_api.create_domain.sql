-- api.create_domain(ctx, hostname, cname_target, ttl_days): POST /v1/domains {hostname}. 201 with
-- the claim (status pending) and the DNS records to create. The handler normalises the hostname
-- and passes the CNAME target (DOMAIN_CNAME_TARGET, or an empty string for
-- "<tenant slug>.<base domain>", the base domain being the 5th argument) and DOMAIN_CLAIM_TTL_DAYS.
-- Honours Idempotency-Key.
create or replace function api.create_domain(ctx jsonb, p_hostname text, p_cname_target text,
                                             p_ttl_days int, p_base_domain text)
returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_replay tenantd.reply;
  v_tenant uuid;
  v_target text := p_cname_target;
  v_row tenantd.domains;
begin
  v_tenant := tenantd.enter(ctx);
  v_replay := tenantd.idempotent_replay(ctx);
  if v_replay is not null then
    return v_replay;
  end if;
  if coalesce(v_target, '') = '' then
    select t.slug || '.' || p_base_domain into v_target from tenantd.tenants t where t.id = v_tenant;
  end if;
  v_row := tenantd.claim_domain(p_hostname, v_target, p_ttl_days);
  return tenantd.idempotent_store(ctx, tenantd.reply(201, tenantd.domain_json(v_row),
    json_build_object('Location', '/v1/domains/' || v_row.id)));
end
$$;

revoke all on function api.create_domain(jsonb, text, text, int, text) from public;
grant execute on function api.create_domain(jsonb, text, text, int, text) to tenantd_app;
