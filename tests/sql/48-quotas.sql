-- tenantd.consume_quota: monthly counters kept per UTC month, metrics that count what exists,
-- the refusal's extension members (DETAIL), the creates that consume (members, invitations,
-- custom roles), and the counters' isolation. Concurrency and the lock timeout need several
-- sessions: tests/integration/quotas_pgtest.cpp.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
begin;
select plan(27);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
update tenantd.tenants set plan = 'free' where id = :'ta';
-- the refusal's DETAIL, as the dispatcher reads it (the extension members of the problem)
create function pg_temp.detail_of(p_sql text) returns jsonb language plpgsql as $$
declare v_detail text;
begin
  execute p_sql;
  return null;
exception when others then
  get stacked diagnostics v_detail = pg_exception_detail;
  return v_detail::jsonb;
end $$;
grant execute on function pg_temp.detail_of(text) to tenantd_app;

set local role tenantd_app;
select tests.act_as(:'ta', :'alice', 'tenant_admin');

-- monthly: invitations_per_month (free: 20)
select is(tenantd.consume_quota('invitations_per_month', 19), 19::bigint, 'consume 19 of 20');
select is(tenantd.consume_quota('invitations_per_month'), 20::bigint, 'the 20th is admitted');
select throws_ok($$select tenantd.consume_quota('invitations_per_month')$$, 'TDF07',
                 'the invitations_per_month quota of this tenant is used up (20 of 20)', 'the 21st: quota_exceeded');
select is(pg_temp.detail_of($$select tenantd.consume_quota('invitations_per_month')$$),
          jsonb_build_object('metric', 'invitations_per_month', 'limit', 20, 'used', 20,
                             'resets_at', tenantd.rfc3339((tenantd.quota_period(now())).resets_at)),
          'the refusal carries metric, limit, used and resets_at (the next UTC month)');
select is((select value from tenantd.quota_counters where metric = 'invitations_per_month'
             and period = (tenantd.quota_period(now())).period), 20::bigint,
          'a refusal does not count');
select throws_ok($$select tenantd.consume_quota('invitations_per_month', 5)$$, 'TDF07', null,
                 'n more than the rest: refused as a whole');

-- history: last month's row stays, and does not count this month
reset role;
insert into tenantd.quota_counters (tenant_id, metric, period, value)
values (:'ta', 'members_per_month', (tenantd.quota_period(now() - interval '1 month')).period, 20);
set local role tenantd_app;
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select is(tenantd.consume_quota('members_per_month'), 1::bigint,
          'last month''s full counter does not count: the period is chosen by time');
select is((select count(*) from tenantd.quota_counters where metric = 'members_per_month'), 2::bigint,
          'both months are kept (history)');

-- current: members (free: 5) counts active memberships, so a delete frees a place
select is(tenantd.consume_quota('members'), 2::bigint, 'alice is the one member; the admission makes 2');
select is(tenantd.consume_quota('members', 4), 5::bigint, '4 more up to the limit of 5');
select throws_ok($$select tenantd.consume_quota('members', 5)$$, 'TDF07', null, 'five more than one: refused');
select is(pg_temp.detail_of($$select tenantd.consume_quota('members', 5)$$),
          '{"metric": "members", "limit": 5, "used": 1, "resets_at": null}'::jsonb,
          'used is what exists (consume counts again each time); resets_at null for what exists');

-- the creates consume: create_member (members + members_per_month)
reset role;
insert into tenantd.entitlement_overrides (tenant_id, limits) values (:'ta', '{"members": 2}');
set local role tenantd_app;
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select lives_ok($$select tenantd.create_member('m1@acme.test', 'member', 'M1', null, 5)$$,
                'a second member within the limit of 2');
select throws_ok($$select tenantd.create_member('m2@acme.test', 'member', 'M2', null, 5)$$, 'TDF07', null,
                 'a third: quota_exceeded');
reset role;
select is((select count(*) from tenantd.memberships where tenant_id = :'ta'), 2::bigint,
          'the refused member was not created');
update tenantd.memberships set disabled = true where tenant_id = :'ta' and email = 'm1@acme.test';
set local role tenantd_app;
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select lives_ok($$select tenantd.create_member('m2@acme.test', 'member', 'M2', null, 5)$$,
                'a disabled membership is not active: its place is free');

-- create_invitation (invitations_per_month: used up above)
select throws_ok($$select tenantd.create_invitation('x@acme.test', 'member', 7, decode(repeat('ab', 32), 'hex'))$$,
                 'TDF07', null, 'create_invitation: quota_exceeded once the month''s invitations are used');

-- custom roles: a feature and a quota
select throws_ok($$select tenantd.create_role('support', null, '{}')$$, 'TDF08', null,
                 'free plan: custom roles are not included');
reset role;
update tenantd.entitlement_overrides set features = '{"custom_roles": true}', limits = '{"custom_roles": 1}'
 where tenant_id = :'ta';
set local role tenantd_app;
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select lives_ok($$select tenantd.create_role('support', null, '{}')$$, 'with the feature, one custom role');
select throws_ok($$select tenantd.create_role('billing', null, '{}')$$, 'TDF07', null, 'a second: quota_exceeded');
select lives_ok($$select tenantd.delete_role((select id from tenantd.roles where name = 'support'))$$, 'delete it …');
select lives_ok($$select tenantd.create_role('billing', null, '{}')$$, '… and its place is free');

-- fail closed
select set_config('app.tenant_id', 'dddddddd-dddd-4ddd-8ddd-dddddddddddd', true);
select throws_ok($$select tenantd.consume_quota('invitations_per_month')$$, 'TDS01',
                 'the invitations_per_month quota cannot be checked right now; retry shortly',
                 'entitlements that cannot be read (a tenant the context cannot see): quota_unavailable, not admitted');
select throws_ok($$select tenantd.consume_quota('widgets')$$, 'TD500', null, 'an unknown metric is a bug: 500');
select tests.act_as(null, :'alice', 'tenant_admin');
select throws_ok($$select tenantd.consume_quota('members')$$, 'TD400', null, 'no tenant context');

-- isolation: B neither sees nor changes A's counters
select tests.act_as(:'tb', :'bob', 'tenant_admin');
select is((select count(*) from tenantd.quota_counters where tenant_id = :'ta'), 0::bigint,
          'tenant B sees none of A''s counters');
select is(tests.affected_rows(format($$update tenantd.quota_counters set value = 0 where tenant_id = %L$$, :'ta')), 0,
          'tenant B resets none of A''s counters');

select * from finish();
rollback;
