-- Custom domain claims and the verification job's state machine, called as the service calls
-- them (tenantd_app with a member's context; tenantd_worker for the job's steps): the plan's
-- limit, re-claims rotating the token, the first verification winning over the other tenants'
-- pending claims, attempts running out, expiry, re-checks turning a domain unverified, audit
-- rows, and the on-demand TLS ask.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
begin;
select plan(43);
select tests.share_tap_with('tenantd_app');
select tests.share_tap_with('tenantd_worker');
select tests.seed_two_tenants();
create temp table t57 (k text primary key, v text);
grant all on t57 to tenantd_app, tenantd_worker;

-- A is on the free plan (custom_domains 0)
select tests.act_as(:'ta', :'alice', 'tenant_admin');
set local role tenantd_app;
select throws_ok($$select tenantd.claim_domain('shop.shared-example.org', 'acme.tenantd.test', 7)$$,
                 'TDF07', null, 'the free plan allows no custom domain: quota_exceeded');
reset role;
update tenantd.tenants set plan = 'starter' where id = :'ta';  -- one domain
update tenantd.tenants set plan = 'pro' where id = :'tb';

select tests.act_as(:'ta', :'alice', 'tenant_admin');
set local role tenantd_app;
select throws_ok($$select tenantd.claim_domain('Shop.Example.org', 't', 7)$$, 'TDB08', null,
                 'a hostname that is not normalised is refused (psql callers too)');
select throws_ok($$select tenantd.claim_domain('*.example.org', 't', 7)$$, 'TDB08', null, 'a wildcard is refused');
insert into t57 select 'a1', (api.create_domain(null, 'shop.shared-example.org', '', 7, 'tenantd.test')).body::text;
select is((select v::json ->> 'status' from t57 where k = 'a1'), 'pending', 'a claim starts pending');
select is((select v::json -> 'dns_records' -> 1 ->> 'value' from t57 where k = 'a1'), 'acme.tenantd.test',
          'the CNAME target is <slug>.<base domain> without DOMAIN_CNAME_TARGET');
select is((select v::json -> 'dns_records' -> 0 ->> 'name' from t57 where k = 'a1'),
          '_tenantd-challenge.shop.shared-example.org', 'the TXT record name');
select ok((select v::json -> 'dns_records' -> 0 ->> 'value' ~ '^[A-Za-z0-9_-]{43}$' from t57 where k = 'a1'),
          'the TXT value is a random token');
select throws_ok($$select tenantd.claim_domain('other.acme-example.org', 't', 7)$$, 'TDF07', null,
                 'a second hostname exceeds the starter plan''s one domain');
insert into t57 select 'a2', (api.create_domain(null, 'shop.shared-example.org', 'edge.cdn.test', 7, 'tenantd.test')).body::text;
select is((select (v::json ->> 'id') from t57 where k = 'a2'), (select (v::json ->> 'id') from t57 where k = 'a1'),
          'a re-claim of the same hostname reuses the claim (it does not count twice)');
select isnt((select v::json -> 'dns_records' -> 0 ->> 'value' from t57 where k = 'a2'),
            (select v::json -> 'dns_records' -> 0 ->> 'value' from t57 where k = 'a1'),
            'a re-claim rotates the token');
select is((select v::json -> 'dns_records' -> 1 ->> 'value' from t57 where k = 'a2'), 'edge.cdn.test',
          'DOMAIN_CNAME_TARGET replaces the per-tenant target');
reset role;
select is((select count(*)::int from tenantd.audit_log where tenant_id = :'ta' and action = 'domain.claim'), 2,
          'each claim and re-claim is audited');
select is((select count(*)::int from tenantd.jobs where kind = 'domain.check'
            and payload ->> 'domain_id' = (select v::json ->> 'id' from t57 where k = 'a1')), 2,
          'each claim queued a check job (one per generation)');
select is((select check_generation from tenantd.domains where tenant_id = :'ta'), 3,
          'the re-claim started a new check generation');

-- B claims the same hostname: several tenants may hold pending claims
select tests.act_as(:'tb', :'bob', 'tenant_admin');
set local role tenantd_app;
insert into t57 select 'b1', (api.create_domain(null, 'shop.shared-example.org', '', 7, 'tenantd.test')).body::text;
select is((select v::json ->> 'status' from t57 where k = 'b1'), 'pending', 'B holds a pending claim of the same hostname');
select tests.act_as(null, null, null);
select throws_ok($$select api.domain_allowed('{"refs": []}', 'shop.shared-example.org')$$, 'TDN09', null,
                 'the TLS ask refuses a hostname nobody verified');
reset role;

-- the job: B's check matches first
set local role tenantd_worker;
select is((select status from tenantd.domain_check_target(:'tb', (select (v::json ->> 'id')::uuid from t57 where k = 'b1'), 1)),
          null, 'a stale generation reads nothing');
reset role;
insert into t57 select 'bgen', check_generation::text from tenantd.domains where tenant_id = :'tb';
insert into t57 select 'agen', check_generation::text from tenantd.domains where tenant_id = :'ta';
set local role tenantd_worker;
select is(tenantd.record_domain_check(:'tb', (select (v::json ->> 'id')::uuid from t57 where k = 'b1'),
                                      (select v::int from t57 where k = 'bgen'), true, null, 300, 288, 86400),
          'verified', 'B''s matching check verifies B''s claim');
select is(tenantd.record_domain_check(:'ta', (select (v::json ->> 'id')::uuid from t57 where k = 'a1'),
                                      (select v::int from t57 where k = 'agen'), true, null, 300, 288, 86400),
          'stale', 'A''s claim already failed when B verified: its check does nothing');
select is(tenantd.record_domain_check(:'tb', (select (v::json ->> 'id')::uuid from t57 where k = 'b1'),
                                      (select v::int from t57 where k = 'bgen') - 1, true, null, 300, 288, 86400),
          'stale', 'a job of an older generation does nothing');
reset role;
select is((select status || '/' || last_error from tenantd.domains where tenant_id = :'ta'), 'failed/domain_taken',
          'the first to verify wins: A''s pending claim failed with domain_taken');
select is((select array_agg(action order by action) from tenantd.audit_log
            where action like 'domain.%' and action <> 'domain.claim' and tenant_id in (:'ta', :'tb')),
          array['domain.fail', 'domain.verify'], 'B''s verification and A''s failure are audited in their tenants');
select is((select tenant_id from tenantd.audit_log where action = 'domain.fail' and tenant_id in (:'ta', :'tb')), :'ta'::uuid,
          'A''s failure is audited in A');
select is((select count(*)::int from tenantd.jobs where kind = 'domain.check' and run_at > now() + interval '23 hours'
            and payload ->> 'tenant_id' = :'tb'), 1, 'the verified domain''s daily re-check is queued');
select is(tenantd.tenant_of_domain('shop.shared-example.org'), :'tb'::uuid, 'the hostname routes to B');

select tests.act_as(null, null, null);
set local role tenantd_app;
select is((api.domain_allowed('{"refs": []}', 'shop.shared-example.org')).status, 200,
          'the TLS ask allows the verified hostname');
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select throws_ok($$select tenantd.claim_domain('shop.shared-example.org', 't', 7)$$, 'TDC15', null,
                 'A cannot claim a hostname B has verified: domain_taken');
select throws_ok(format($$select api.verify_domain(null, %L)$$, (select v::json ->> 'id' from t57 where k = 'a1')),
                 'TDC17', null, 'a failed claim cannot be checked again, only claimed again');
select tests.act_as(:'tb', :'bob', 'tenant_admin');
select throws_ok($$select tenantd.claim_domain('shop.shared-example.org', 't', 7)$$, 'TDC16', null,
                 'B cannot claim its own verified hostname again');
select is((api.verify_domain(null, (select (v::json ->> 'id')::uuid from t57 where k = 'b1'))).status, 202,
          'verify now on a verified domain queues a re-check: 202');
reset role;

-- re-checks: three misses in a row make the domain unverified; it stops routing
delete from t57 where k = 'bgen';
insert into t57 select 'bgen', check_generation::text from tenantd.domains where tenant_id = :'tb';
set local role tenantd_worker;
select is(tenantd.record_domain_check(:'tb', (select (v::json ->> 'id')::uuid from t57 where k = 'b1'),
                                      (select v::int from t57 where k = 'bgen'), false, 'TXT: NXDOMAIN', 300, 288, 86400),
          'recheck_failed', 'a first missed re-check keeps the domain verified');
select is(tenantd.record_domain_check(:'tb', (select (v::json ->> 'id')::uuid from t57 where k = 'b1'),
                                      (select v::int from t57 where k = 'bgen'), false, 'TXT: NXDOMAIN', 300, 288, 86400),
          'recheck_failed', 'a second one too');
select is(tenantd.record_domain_check(:'tb', (select (v::json ->> 'id')::uuid from t57 where k = 'b1'),
                                      (select v::int from t57 where k = 'bgen'), false, 'TXT: NXDOMAIN', 300, 288, 86400),
          'unverified', 'the third consecutive miss makes it unverified');
reset role;
select is(tenantd.tenant_of_domain('shop.shared-example.org'), null, 'an unverified domain does not route');
set local role tenantd_worker;
select is(tenantd.record_domain_check(:'tb', (select (v::json ->> 'id')::uuid from t57 where k = 'b1'),
                                      (select v::int from t57 where k = 'bgen'), true, null, 300, 288, 86400),
          'verified', 'a later matching re-check verifies it again');
reset role;

-- attempts run out; claims expire
update tenantd.tenants set plan = 'enterprise' where id = :'ta';
select tests.act_as(:'ta', :'alice', 'tenant_admin');
set local role tenantd_app;
insert into t57 select 'a3', (api.create_domain(null, 'www.acme-example.org', '', 7, 'tenantd.test')).body::text;
insert into t57 select 'a4', (api.create_domain(null, 'old.acme-example.org', '', 7, 'tenantd.test')).body::text;
reset role;
insert into t57 select 'a3gen', check_generation::text from tenantd.domains where hostname = 'www.acme-example.org';
update tenantd.domains set expires_at = now() - interval '1 second' where hostname = 'old.acme-example.org';
set local role tenantd_worker;
select is(tenantd.record_domain_check(:'ta', (select (v::json ->> 'id')::uuid from t57 where k = 'a3'),
                                      (select v::int from t57 where k = 'a3gen'), false, 'TXT: wrong value', 300, 2, 86400),
          'pending', 'a miss while attempts remain stays pending');
select is(tenantd.record_domain_check(:'ta', (select (v::json ->> 'id')::uuid from t57 where k = 'a3'),
                                      (select v::int from t57 where k = 'a3gen'), false, 'TXT: wrong value', 300, 2, 86400),
          'failed', 'the last attempt fails the claim');
select is(tenantd.record_domain_check(:'ta', (select (v::json ->> 'id')::uuid from t57 where k = 'a4'),
                                      2, true, null, 300, 288, 86400),
          'expired', 'a claim past its expiry expires, even when DNS now matches');
reset role;
select is((select attempts || '/' || last_error from tenantd.domains where hostname = 'www.acme-example.org'),
          '2/TXT: wrong value', 'attempts and the last error are recorded');
select is((select count(*)::int from tenantd.audit_log where tenant_id = :'ta' and action in ('domain.expire', 'domain.fail')),
          3, 'the failure and the expiry are audited');

-- delete
select tests.act_as(:'ta', :'alice', 'tenant_admin');
set local role tenantd_app;
select is((api.delete_domain(null, (select (v::json ->> 'id')::uuid from t57 where k = 'a3'))).status, 204,
          'a domain is deleted: 204');
select throws_ok(format($$select api.get_domain(null, %L)$$, (select v::json ->> 'id' from t57 where k = 'a3')),
                 'TDN09', null, 'and is gone');
reset role;
select is((select count(*)::int from tenantd.audit_log where tenant_id = :'ta' and action = 'domain.delete'), 1,
          'the deletion is audited');

select * from finish();
rollback;
