-- tenantd.parse_rfc3339(value, field): an RFC 3339 timestamp (2024-05-01T12:00:00Z,
-- 2024-05-01T14:00:00.5+02:00) as timestamptz; NULL or '' gives NULL. Anything else, including
-- the other spellings PostgreSQL would accept ('now', 'yesterday', '2024-05-01') and
-- impossible dates (2024-02-30), raises TD400 invalid_timestamp naming `field`, never a
-- datetime SQLSTATE that the API would have to guess about. The parse does not depend on the
-- session's DateStyle or TimeZone: the offset is always explicit.
create or replace function tenantd.parse_rfc3339(p_value text, p_field text)
returns timestamptz
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
begin
  if coalesce(p_value, '') = '' then
    return null;
  end if;
  if p_value ~ '^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$' then
    begin
      return p_value::timestamptz;
    exception when data_exception then
      null;  -- out-of-range fields (class 22): fall through to the one error below
    end;
  end if;
  raise exception using errcode = 'TDB06',
    message = format('%s must be an RFC 3339 timestamp such as '
                     '2024-05-01T12:00:00Z', p_field);
end
$$;

revoke all on function tenantd.parse_rfc3339(text, text) from public;
grant execute on function tenantd.parse_rfc3339(text, text) to tenantd_app, tenantd_readonly;
