-- tenantd.current_rate_limit(): the rate-limit policy of the tenant the current context acts
-- in, as {"tenant_id": uuid, "requests_per_minute": n | null} (null: unlimited), or NULL when
-- the context names no tenant. The dispatcher asks for it in the request's own statement, as
-- an extra column after the api.* call (src/db/api_call.cpp), the first time a principal acts
-- in a tenant within the cache's minute: the call's tenantd.enter has then checked the principal,
-- so the policy costs no round trip of its own. api.rate_limit_policy answers the same thing for
-- the requests that have no api.* call of their own to carry it.
-- The call's tenantd.enter read the limit already when the dispatcher asked for it in the
-- context (ctx.rate_limit; app.rate_limit), before the endpoint wrote anything: on Citus, after
-- a definer's write to the tenant's shards the app role may not read them in that transaction.
-- Without it (a DBA in psql) the limit is read here.
-- Volatile plpgsql: evaluated per row, after the call in FROM has entered the context; a
-- stable SQL expression could be evaluated before it. Security invoker: the tenant row and its
-- override are read through their policies, so no context means no answer.
create or replace function tenantd.current_rate_limit() returns json
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_tenant uuid := tenantd.current_tenant_id();
  v_read text := pg_catalog.current_setting('app.rate_limit', true);
begin
  if v_tenant is null then
    return null;
  end if;
  if v_read <> '' then
    return json_build_object('tenant_id', v_tenant, 'requests_per_minute', v_read::json);
  end if;
  return json_build_object(
    'tenant_id', v_tenant,
    'requests_per_minute', tenantd.effective_entitlements(v_tenant) -> 'limits' -> 'api_requests_per_minute');
end
$$;

revoke all on function tenantd.current_rate_limit() from public;
grant execute on function tenantd.current_rate_limit() to tenantd_app;
