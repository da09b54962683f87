-- tenantd.rfc3339(ts): the API's one spelling of a timestamp, RFC 3339 in UTC with
-- milliseconds ("2026-12-02T03:04:05.678Z"), whatever the session's TimeZone is. json_build_object
-- would print a timestamptz in the session's zone and with microseconds.
-- STABLE, as to_char is: a SQL function declared more strictly than its body is not inlined, and
-- a function that is not inlined is planned again on every call (51 times per page of members;
-- bench/ measured that at most of the request's cost). The JSON helpers that call it are stable
-- for the same reason.
create or replace function tenantd.rfc3339(p_ts timestamptz) returns text
language sql stable parallel safe
as $$ select pg_catalog.to_char(p_ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

revoke all on function tenantd.rfc3339(timestamptz) from public;
grant execute on function tenantd.rfc3339(timestamptz) to tenantd_app, tenantd_readonly;
