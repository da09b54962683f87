-- api.signup_rate_hit(ctx, limit_per_minute): the first of the two calls of POST /v1/signup:
-- counts this sign-up attempt of the client address (the context's, set by tenantd.enter from
-- the dispatcher's ctx) in its own short transaction, so refused and failed attempts count too;
-- the service hashes the admin password only after it. Answers 200 {"retry_after": n}: 0 to go
-- on, else the seconds to wait (the service answers 429 with Retry-After).
create or replace function api.signup_rate_hit(ctx jsonb, p_limit int) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
begin
  perform tenantd.enter(ctx);
  return tenantd.reply(200, json_build_object('retry_after',
    tenantd.signup_rate_hit(pg_catalog.current_setting('app.client', true), p_limit)));
end
$$;

revoke all on function api.signup_rate_hit(jsonb, int) from public;
grant execute on function api.signup_rate_hit(jsonb, int) to tenantd_app;
