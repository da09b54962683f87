-- api.domain_allowed(ctx, domain): GET /v1/domains/allowed?domain=…, public: the "ask" endpoint
-- of an on-demand TLS terminator (Caddy's on_demand_tls, Cloudflare for SaaS). 200 only for a
-- verified custom domain; anything else 404, so no certificate is issued for it. One index
-- lookup; the route is rate-limited per client address.
create or replace function api.domain_allowed(ctx jsonb, p_domain text) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  perform tenantd.enter(ctx);
  if p_domain is null or tenantd.tenant_of_domain(p_domain) is null then
    raise exception using errcode = 'TDN09', message = 'no verified custom domain by this name';
  end if;
  return tenantd.reply(200, json_build_object('domain', p_domain, 'allowed', true));
end
$$;

revoke all on function api.domain_allowed(jsonb, text) from public;
grant execute on function api.domain_allowed(jsonb, text) to tenantd_app;
