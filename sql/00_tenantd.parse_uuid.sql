-- tenantd.parse_uuid(text): the uuid when the text is a uuid in canonical 8-4-4-4-12 layout
-- (either case), otherwise NULL. Never raises: the context helpers run inside every policy, and
-- a malformed setting must mean "no rows", not an error. The regex guards the cast; uuid_in
-- alone would also accept braces and missing hyphens.
-- The regex guards the cast by returning NULL (substring without a match), not by a CASE: Citus
-- evaluates the stable parts of a modification's expressions on the coordinator and then each
-- cast of a constant on its own, CASE arm or not, so `case when '' ~* … then ''::uuid end`
-- raised "invalid input syntax for type uuid" (sign-up's INSERT … RETURNING into tenants, with
-- app.tenant_id empty, in the tenants select policy; tests/sql-citus/87).
create or replace function tenantd.parse_uuid(p_value text) returns uuid
language sql immutable parallel safe
as $$
  select pg_catalog.substring(p_value, '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$')::uuid
$$;

revoke all on function tenantd.parse_uuid(text) from public;
-- the current_* helpers are security invoker, so whoever evaluates a policy needs this too
grant execute on function tenantd.parse_uuid(text) to tenantd_app, tenantd_readonly;
