-- tenantd.enter with a custom domain from the Host: a verified hostname resolves to its tenant in
-- the same statement that sets the context, and must agree with the token's tenant; a pending,
-- failed, unverified or unknown hostname names no tenant.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
begin;
select plan(8);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
insert into tenantd.domains (tenant_id, hostname, token, cname_target, expires_at, status, verified_at)
values (:'ta', 'www.acme-shop.example', repeat('a', 43), 'acme.tenantd.test', now() + interval '7 days', 'verified', now()),
       (:'ta', 'old.acme-shop.example', repeat('o', 43), 'acme.tenantd.test', now() + interval '7 days', 'unverified', now()),
       (:'tb', 'www.acme-shop.example', repeat('b', 43), 'globex.tenantd.test', now() + interval '7 days', 'pending', null),
       (:'tb', 'www.globex-shop.example', repeat('g', 43), 'globex.tenantd.test', now() + interval '7 days', 'verified', now());

create function pg_temp.ctx(p_refs text[], p_user text, p_role text) returns jsonb
language sql as $$
  select jsonb_build_object('refs', to_jsonb(p_refs), 'user_id', p_user, 'role', p_role, 'subject', p_user,
                            'request_id', 'req-58', 'route', 'GET /v1/domains', 'client', '192.0.2.58')
$$;
grant execute on function pg_temp.ctx(text[], text, text) to tenantd_app;
set local role tenantd_app;

select is(tenantd.enter(pg_temp.ctx(array[:'ta', 'www.acme-shop.example'], :'alice', 'tenant_admin')), :'ta'::uuid,
          'A''s token on A''s verified domain acts in A');
select is(current_setting('app.tenant_id'), :'ta', 'the context is A''s');
select throws_ok(format('select tenantd.enter(%L)', pg_temp.ctx(array[:'tb', 'www.acme-shop.example'], :'bob', 'tenant_admin')),
                 'TDF06', null, 'B''s token on A''s domain (B''s claim of it is only pending): tenant_mismatch');
select throws_ok(format('select tenantd.enter(%L)', pg_temp.ctx(array[:'ta', 'www.globex-shop.example'], :'alice', 'tenant_admin')),
                 'TDF06', null, 'A''s token on B''s domain: tenant_mismatch');
select throws_ok(format('select tenantd.enter(%L)', pg_temp.ctx(array[:'ta', 'old.acme-shop.example'], :'alice', 'tenant_admin')),
                 'TDN05', null, 'an unverified domain routes nowhere: tenant_not_found');
select throws_ok(format('select tenantd.enter(%L)', pg_temp.ctx(array[:'ta', 'nobody.example'], :'alice', 'tenant_admin')),
                 'TDN05', null, 'an unknown domain: tenant_not_found');
reset role;
update tenantd.domains set status = 'failed' where hostname = 'www.acme-shop.example' and tenant_id = :'ta';
set local role tenantd_app;
select throws_ok(format('select tenantd.enter(%L)', pg_temp.ctx(array[:'ta', 'www.acme-shop.example'], :'alice', 'tenant_admin')),
                 'TDN05', null, 'once the domain is no longer verified it stops routing');
select is(tenantd.enter(pg_temp.ctx(array[:'tb', 'www.globex-shop.example'], :'bob', 'tenant_admin')), :'tb'::uuid,
          'B''s token on B''s verified domain acts in B');

select * from finish();
rollback;
