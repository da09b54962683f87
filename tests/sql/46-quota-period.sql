-- tenantd.quota_period: calendar months in UTC, from fixed timestamps, whatever the caller's
-- time zone. Month ends, year ends, leap days, and moments that are in another month locally
-- than in UTC.
begin;
select plan(13);

set local timezone = 'UTC';
select is((select row(period, starts_at, resets_at)::text from tenantd.quota_period('2026-01-31 23:59:59.999999+00')),
          row('2026-01', '2026-01-01 00:00:00+00'::timestamptz, '2026-02-01 00:00:00+00'::timestamptz)::text,
          'the last microsecond of January is January; resets at February 1st 00:00 UTC');
select is((tenantd.quota_period('2026-02-01 00:00:00+00')).period, '2026-02', 'the first instant of February is February');
select is((select row(period, resets_at)::text from tenantd.quota_period('2026-12-31 23:59:59+00')),
          row('2026-12', '2027-01-01 00:00:00+00'::timestamptz)::text, 'December resets at the new year');
select is((tenantd.quota_period('2027-01-01 00:00:00+00')).period, '2027-01', 'the year turns');
select is((select row(period, resets_at)::text from tenantd.quota_period('2024-02-29 12:00:00+00')),
          row('2024-02', '2024-03-01 00:00:00+00'::timestamptz)::text, 'a leap day is February, which ends on the 29th');
select is((select row(period, resets_at)::text from tenantd.quota_period('2023-02-28 23:59:59+00')),
          row('2023-02', '2023-03-01 00:00:00+00'::timestamptz)::text, 'February of a common year');
select is((tenantd.quota_period('2024-03-01 00:00:00+00')).period, '2024-03', 'the day after a leap day');

-- the caller's time zone changes how a moment is written, never its period
set local timezone = 'America/New_York';
select is((tenantd.quota_period('2026-01-31 20:30:00-05')).period, '2026-02',
          'January 31st 20:30 in New York is February 1st 01:30 UTC: February');
select is((tenantd.quota_period('2026-01-31 20:30:00-05')).resets_at, '2026-03-01 00:00:00+00'::timestamptz,
          '… and resets at March 1st 00:00 UTC, not New York midnight');
set local timezone = 'Pacific/Kiritimati';  -- UTC+14
select is((tenantd.quota_period('2027-01-01 10:00:00+14')).period, '2026-12',
          'New Year''s Day 10:00 at UTC+14 is still December in UTC');
select is((tenantd.quota_period('2027-01-01 10:00:00+14')).starts_at, '2026-12-01 00:00:00+00'::timestamptz,
          'the period starts at December 1st 00:00 UTC');
set local timezone = 'Asia/Kolkata';  -- a half-hour offset
select is((tenantd.quota_period('2024-03-01 05:29:59+05:30')).period, '2024-02',
          '05:29:59 on March 1st at UTC+5:30 is the leap day in UTC');
select is((tenantd.quota_period('2024-03-01 05:30:00+05:30')).period, '2024-03',
          'one second later it is March');

select * from finish();
rollback;
