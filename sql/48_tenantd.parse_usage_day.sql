-- tenantd.parse_usage_day(value, field): a day of the usage reports ('YYYY-MM-DD', a UTC day as
-- usage_daily keys them) as a date; NULL or '' gives NULL (the report's default). Anything else,
-- including the other spellings PostgreSQL would accept ('today', '2024-5-1', '20240501') and
-- impossible dates (2024-02-30), raises TDB10 invalid_date naming `field`, never a datetime
-- SQLSTATE the API would have to guess about.
create or replace function tenantd.parse_usage_day(p_value text, p_field text) returns date
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
begin
  if coalesce(p_value, '') = '' then
    return null;
  end if;
  if p_value ~ '^\d{4}-\d{2}-\d{2}$' then
    begin
      -- ISO 8601 year-month-day is read the same under every DateStyle
      return p_value::date;
    exception when data_exception then
      null;  -- out-of-range fields (class 22): fall through to the one error below
    end;
  end if;
  raise exception using errcode = 'TDB10',
    message = format('%s must be a day written YYYY-MM-DD, such as 2026-05-01', p_field);
end
$$;

revoke all on function tenantd.parse_usage_day(text, text) from public;
grant execute on function tenantd.parse_usage_day(text, text) to tenantd_app, tenantd_readonly;
