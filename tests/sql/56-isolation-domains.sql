-- domains as tenantd_app: every command limited to the current tenant; reading needs
-- config:read, writing tenant:write; the app role can never make a claim verified, nor reach
-- the verification job's functions.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
\set da aaaaaaaa-0000-4000-8000-000000000060
\set db bbbbbbbb-0000-4000-8000-000000000060
begin;
select plan(21);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
insert into tenantd.domains (tenant_id, id, hostname, token, cname_target, expires_at)
values (:'ta', :'da', 'shop.acme-example.org', repeat('a', 43), 'acme.tenantd.test', now() + interval '7 days'),
       (:'tb', :'db', 'shop.globex-example.org', repeat('b', 43), 'globex.tenantd.test', now() + interval '7 days');
update tenantd.domains set status = 'verified', verified_at = now() where id = :'db';

select tests.act_as(:'ta', :'alice', 'tenant_admin');
set local role tenantd_app;

select results_eq('select id from tenantd.domains', array[:'da'::uuid], 'A''s admin sees exactly A''s domains');
select is_empty(format('select id from tenantd.domains where tenant_id = %L or id = %L or hostname = %L',
                       :'tb', :'db', 'shop.globex-example.org'),
                'A cannot select B''s domain by tenant, id or hostname');
select throws_ok(format($$insert into tenantd.domains (tenant_id, hostname, token, cname_target, expires_at)
                          values (%L, 'x.example.org', repeat('x', 43), 't', now() + interval '1 day')$$, :'tb'),
                 '42501', null, 'A cannot insert a domain into B');
select throws_ok($$insert into tenantd.domains (hostname, token, cname_target, expires_at, status, verified_at)
                   values ('y.example.org', repeat('y', 43), 't', now() + interval '1 day', 'verified', now())$$,
                 '42501', null, 'the app role cannot insert a verified domain (insert policy)');
select throws_ok($$insert into tenantd.domains (hostname, token, cname_target, expires_at, attempts, last_checked_at)
                   values ('z.example.org', repeat('z', 43), 't', now() + interval '1 day', 3, now())$$,
                 '42501', null, 'nor a claim that pretends to have been checked already');
select throws_ok(format($$update tenantd.domains set status = 'verified', verified_at = now() where id = %L$$, :'da'),
                 '42501', null, 'the app role cannot mark its own claim verified (WITH CHECK)');
select throws_ok(format($$update tenantd.domains set status = 'verified' where id = %L$$, :'da'),
                 '42501', null, 'nor set status verified without verified_at');
select throws_ok(format($$update tenantd.domains set tenant_id = %L where id = %L$$, :'tb', :'da'),
                 '42501', null, 'a domain cannot be moved to another tenant');
select is(tests.affected_rows(format($$update tenantd.domains set status = 'pending' where id = %L$$, :'db')),
          0, 'A cannot update B''s domain');
select is(tests.affected_rows(format('delete from tenantd.domains where id = %L', :'db')),
          0, 'A cannot delete B''s domain');
select lives_ok($$insert into tenantd.domains (hostname, token, cname_target, expires_at)
                  values ('z.acme-example.org', repeat('z', 43), 't', now() + interval '1 day')$$,
                'A''s admin inserts a pending claim without naming the tenant');

-- a member reads (config:read) but does not write (tenant:write)
select tests.act_as(:'ta', :'alice', 'member');
select isnt_empty(format('select 1 from tenantd.domains where id = %L', :'da'), 'a member sees A''s domains');
select throws_ok($$insert into tenantd.domains (hostname, token, cname_target, expires_at)
                   values ('m.acme-example.org', repeat('m', 43), 't', now() + interval '1 day')$$,
                 '42501', null, 'a member cannot claim a domain');
select is(tests.affected_rows(format('delete from tenantd.domains where id = %L', :'da')),
          0, 'a member cannot delete a domain');

-- no context: no rows
select tests.act_as(null, null, null);
select is_empty('select 1 from tenantd.domains', 'without a context no domain is visible');

-- the job's functions are the worker's only; the queue gate is the current tenant's only
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select throws_ok(format($$select tenantd.record_domain_check(%L, %L, 1, true, null, 1, 1, 1)$$, :'ta', :'da'),
                 '42501', null, 'the app role cannot record a check outcome (verify a domain)');
select throws_ok(format($$select * from tenantd.domain_check_target(%L, %L, 1)$$, :'tb', :'db'),
                 '42501', null, 'the app role cannot read a domain through the job''s reader');
select throws_ok(format($$select tenantd.enqueue_domain_check(%L, %L)$$, :'tb', :'db'),
                 'TDN09', null, 'naming B''s tenant does not queue a check of B''s domain');
select throws_ok(format($$select tenantd.enqueue_domain_check(%L, %L)$$, :'ta', :'db'),
                 'TDN09', null, 'nor does naming B''s domain in A');
select throws_ok(format($$select tenantd.enqueue_claim_check(%L, %L)$$, :'tb', :'db'),
                 'TDN09', null, 'the claim''s queue gate: naming B''s tenant queues nothing for B');
select throws_ok(format($$select tenantd.enqueue_claim_check(%L, %L)$$, :'ta', :'db'),
                 'TDN09', null, 'nor does naming B''s domain in A');

select * from finish();
rollback;
