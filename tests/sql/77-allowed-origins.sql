-- PUT/GET /v1/allowed-origins (api.put_allowed_origins, api.get_allowed_origins) and the CORS
-- lookup tenantd.allowed_origin: replace semantics, bounds, the audit row, permissions, and the
-- lookup answering for the tenant named only (id, slug, verified custom domain; never another
-- tenant's origin, never a deleted tenant).
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
begin;
select plan(28);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
insert into tenantd.allowed_origins (tenant_id, origin) values (:'tb', 'https://app.globex-front.test');
insert into tenantd.domains (tenant_id, hostname, token, cname_target, expires_at, status, verified_at)
values (:'ta', 'api.acme-example.org', repeat('a', 43), 'acme.tenantd.test', now() + interval '7 days', 'verified', now()),
       (:'ta', 'pending.acme-example.org', repeat('p', 43), 'acme.tenantd.test', now() + interval '7 days', 'pending', null);

select tests.act_as(:'ta', :'alice', 'tenant_admin');
set local role tenantd_app;

select is((api.put_allowed_origins(null, '["https://b.acme-front.test", "https://a.acme-front.test"]')).body::jsonb,
          '{"origins": ["https://a.acme-front.test", "https://b.acme-front.test"]}'::jsonb,
          'PUT answers the new list, sorted');
select is((api.put_allowed_origins(null, '["https://b.acme-front.test", "http://localhost:3000"]')).status,
          200, 'a second PUT replaces');
select is((api.get_allowed_origins(null)).body::jsonb,
          '{"origins": ["http://localhost:3000", "https://b.acme-front.test"]}'::jsonb,
          'GET answers exactly the replaced list');
select results_eq($$select details from tenantd.audit_log where action = 'allowed_origins.replaced' order by details$$,
          $$values ('{"added": ["http://localhost:3000"], "removed": ["https://a.acme-front.test"]}'::jsonb),
                   ('{"added": ["https://a.acme-front.test", "https://b.acme-front.test"], "removed": []}'::jsonb)$$,
          'each replace is audited with what was added and removed');
select is((select count(*)::int from tenantd.audit_log where action = 'allowed_origins.replaced'), 2,
          'one audit row per PUT');
select is((select actor_id from tenantd.audit_log where action = 'allowed_origins.replaced' limit 1),
          :'alice'::uuid, 'the audit row names the actor');

-- refusals
select throws_ok($$select api.put_allowed_origins(null, '{"origins": []}')$$, 'TD422', null, 'not an array');
select throws_ok($$select api.put_allowed_origins(null, '["https://a.test", 5]')$$, 'TD422', null, 'not strings');
select throws_ok($$select api.put_allowed_origins(null, '["https://a.test", "https://a.test"]')$$, 'TD422', null,
                 'an origin twice');
select throws_ok($$select api.put_allowed_origins(null, '["https://a.test/"]')$$, 'TD422', null,
                 'a non-canonical origin (trailing slash) from psql');
select throws_ok($$select api.put_allowed_origins(null, '["http://shop.acme-front.test"]')$$, 'TD422', null,
                 'http for a host that is not loopback');
select throws_ok(format('select api.put_allowed_origins(null, %L)',
                        (select jsonb_agg('https://o' || i || '.acme-front.test') from generate_series(1, 51) i)),
                 'TDV06', null, 'more than 50 origins');
select lives_ok(format('select api.put_allowed_origins(null, %L)',
                        (select jsonb_agg('https://o' || i || '.acme-front.test') from generate_series(1, 50) i)),
                'exactly 50 origins');
select is((select count(*)::int from tenantd.allowed_origins), 50, '50 stored');
select is((api.put_allowed_origins(null, '[]')).body::jsonb, '{"origins": []}'::jsonb, 'an empty list removes them all');
select is_empty('select 1 from tenantd.allowed_origins', 'none left');

-- B's list is untouched by all of A's replaces
reset role;
select results_eq(format('select origin from tenantd.allowed_origins where tenant_id = %L', :'tb'),
                  array['https://app.globex-front.test'], 'B''s origins are untouched by A''s replaces');

-- permissions: a member may read, not replace
select tests.act_as(:'ta', :'alice', 'member');
set local role tenantd_app;
select is((api.get_allowed_origins(null)).status, 200, 'a member reads the list');
select throws_ok($$select api.put_allowed_origins(null, '["https://m.acme-front.test"]')$$, 'TD403', null,
                 'a member cannot replace it');
select throws_ok($$select api.put_allowed_origins(null, '[]')$$, 'TD403', null,
                 'nor empty it');
reset role;  -- counted as the superuser: a member cannot read the audit log
select is((select count(*)::int from tenantd.audit_log where action = 'allowed_origins.replaced' and actor_role = 'member'),
          0, 'a refused replace writes no audit row');
set local role tenantd_app;

-- the CORS lookup, as the app role with no context at all (a preflight has none)
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select api.put_allowed_origins(null, '["https://app.acme-front.test"]');
select tests.act_as(null, null, null);
select ok(tenantd.allowed_origin(:'ta', 'https://app.acme-front.test'), 'A''s origin is allowed for A by id');
select ok(tenantd.allowed_origin('acme', 'https://app.acme-front.test'), '… by slug');
select ok(tenantd.allowed_origin('api.acme-example.org', 'https://app.acme-front.test'), '… by verified custom domain');
select ok(not tenantd.allowed_origin('pending.acme-example.org', 'https://app.acme-front.test'),
          'not through a pending custom domain');
select ok(not tenantd.allowed_origin('globex', 'https://app.acme-front.test')
          and not tenantd.allowed_origin(:'tb', 'https://app.acme-front.test'),
          'A''s origin never opens B (attack: another tenant''s origin)');
select ok(not tenantd.allowed_origin('acme', 'https://app.globex-front.test')
          and not tenantd.allowed_origin('acme', 'https://APP.acme-front.test')
          and not tenantd.allowed_origin('acme', 'https://app.acme-front.test/')
          and not tenantd.allowed_origin('nosuchtenant', 'https://app.acme-front.test')
          and not tenantd.allowed_origin(null, 'https://app.acme-front.test')
          and not tenantd.allowed_origin('acme', null),
          'exact match only; unknown tenants and NULLs are not allowed');
reset role;
update tenantd.tenants set deleted_at = now() where id = :'ta';
set local role tenantd_app;
select ok(not tenantd.allowed_origin('acme', 'https://app.acme-front.test'), 'a deleted tenant allows no origin');

select * from finish();
rollback;
