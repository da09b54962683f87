-- tenantd.parse_uuid(text): the uuid when the text is a uuid in canonical 8-4-4-4-12 layout
-- (either case), otherwise NULL. Never raises: the context helpers run inside every policy, and
-- a malformed setting must mean "no rows", not an error. The regex guards the cast; uuid_in
-- alone would also accept braces and missing hyphens.
create or replace function tenantd.parse_uuid(p_value text) returns uuid
language sql immutable parallel safe
as $$
  select case
    when p_value ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
    then p_value::uuid
  end
$$;

revoke all on function tenantd.parse_uuid(text) from public;
-- the current_* helpers are security invoker, so whoever evaluates a policy needs this too
grant execute on function tenantd.parse_uuid(text) to tenantd_app, tenantd_readonly;
