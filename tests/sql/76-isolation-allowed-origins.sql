-- allowed_origins as tenantd_app: every command limited to the current tenant; reading needs
-- config:read (or tenant:write), writing tenant:write; no updates at all; no context, no rows;
-- the table refuses an origin that is not in canonical form, whoever writes it.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
begin;
select plan(19);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
insert into tenantd.allowed_origins (tenant_id, origin)
values (:'ta', 'https://app.acme-front.test'), (:'tb', 'https://app.globex-front.test');

select tests.act_as(:'ta', :'alice', 'tenant_admin');
set local role tenantd_app;

select results_eq('select origin from tenantd.allowed_origins', array['https://app.acme-front.test'],
                  'A''s admin sees exactly A''s origins');
select is_empty(format('select 1 from tenantd.allowed_origins where tenant_id = %L or origin = %L',
                       :'tb', 'https://app.globex-front.test'),
                'A cannot select B''s origins by tenant or value');
select throws_ok(format($$insert into tenantd.allowed_origins (tenant_id, origin) values (%L, 'https://evil.test')$$, :'tb'),
                 '42501', null, 'A cannot insert an origin into B');
select is(tests.affected_rows(format('delete from tenantd.allowed_origins where tenant_id = %L', :'tb')),
          0, 'A cannot delete B''s origins');
select tests.refused(format($$update tenantd.allowed_origins set tenant_id = %L$$, :'tb'),
                     'no one updates an origin row (nor moves it to B)');
select lives_ok($$insert into tenantd.allowed_origins (origin) values ('https://second.acme-front.test')$$,
                'A''s admin inserts an origin without naming the tenant');
select is((select tenant_id from tenantd.allowed_origins where origin = 'https://second.acme-front.test'),
          :'ta'::uuid, 'the new row belongs to A (tenant_id from the context)');

-- the shape check, table-driven: every one of these is refused by the table itself
select throws_ok(format($$insert into tenantd.allowed_origins (origin) values (%L)$$, o), '23514', null,
                 'the table refuses ' || o)
  from unnest(array['https://app.acme-front.test/', 'https://*.acme-front.test', 'http://app.acme-front.test',
                    'HTTPS://APP.ACME-FRONT.TEST', 'https://app.acme-front.test:443',
                    'https://app.acme-front.test/path', 'null']) o;
select lives_ok($$insert into tenantd.allowed_origins (origin) values ('http://localhost:5173'), ('http://127.0.0.1:8080')$$,
                'http is accepted for loopback hosts');

-- a member reads (config:read) but does not write (tenant:write)
select tests.act_as(:'ta', :'alice', 'member');
select isnt_empty('select 1 from tenantd.allowed_origins', 'a member sees A''s origins');
select throws_ok($$insert into tenantd.allowed_origins (origin) values ('https://member.acme-front.test')$$,
                 '42501', null, 'a member cannot add an origin');
select is(tests.affected_rows('delete from tenantd.allowed_origins'), 0, 'a member cannot delete an origin');

-- no context: no rows
select tests.act_as(null, null, null);
select is_empty('select 1 from tenantd.allowed_origins', 'without a context no origin is visible');

select * from finish();
rollback;
