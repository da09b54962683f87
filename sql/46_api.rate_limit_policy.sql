-- api.rate_limit_policy(ctx): the tenant a request acts in and its requests per minute
-- (tenantd.effective_entitlements: the plan's api_requests_per_minute or its override; null =
-- unlimited). Not a route: the dispatcher calls it at most once per (tenant reference,
-- principal) and minute (src/http/tenant_rate_limit.hpp), only for a request whose own call
-- cannot carry tenantd.current_rate_limit() (a self-answering route) or was refused, to key
-- the in-process token bucket and the usage counter by the checked tenant id. tenantd.enter checks the principal like any request, so a
-- principal that may not act in the tenant learns nothing and draws on no tenant's bucket.
create or replace function api.rate_limit_policy(ctx jsonb) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.enter(ctx);
begin
  if v_tenant is null then
    raise exception using errcode = 'TD400', message = 'no tenant context';
  end if;
  return tenantd.reply(200, tenantd.current_rate_limit());
end
$$;

revoke all on function api.rate_limit_policy(jsonb) from public;
grant execute on function api.rate_limit_policy(jsonb) to tenantd_app;
