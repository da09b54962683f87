-- tenantd.enter with an identity provider's ids as it issued them (JWT_SUBJECT_KIND=external):
-- the organization id and the user id resolve to the tenant and identity the webhooks linked
-- (external_id), in the same statement, and the membership is still checked.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
begin;
select plan(14);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
update tenantd.tenants set external_id = 'org_2AcmeXyZ' where id = :'ta';
update tenantd.tenants set external_id = 'org_2GlobexQ' where id = :'tb';
update tenantd.users set external_id = 'user_2AliceAbC' where id = :'alice';
update tenantd.users set external_id = 'user_2BobDeF' where id = :'bob';
-- a second admin, so that alice (the first) may be disabled and removed
select tests.add_member(:'ta', tests.create_user('second@acme.test'), 'tenant_admin');
create function pg_temp.ext(p_sub text, p_org text, p_role text default null, p_refs text[] default '{}')
returns jsonb language sql as $$
  select jsonb_strip_nulls(jsonb_build_object('refs', to_jsonb(p_refs), 'external_subject', p_sub,
           'external_tenant', p_org, 'role', p_role, 'subject', p_sub, 'request_id', 'req-ext',
           'route', 'test', 'client', '127.0.0.1'))
$$;
grant execute on function pg_temp.ext(text, text, text, text[]) to tenantd_app;
set local role tenantd_app;

select is(tenantd.enter(pg_temp.ext('user_2AliceAbC', 'org_2AcmeXyZ')), :'ta'::uuid,
          'the provider''s organization id resolves to its linked tenant');
select results_eq($$select current_setting('app.user_id'), current_setting('app.role'), current_setting('app.subject')$$,
                  format($$values (%L, 'tenant_admin', 'user_2AliceAbC')$$, :'alice'),
                  'the provider''s user id resolves to the linked identity; the membership decides the role');
select is(tenantd.enter(pg_temp.ext('user_2AliceAbC', 'org_2AcmeXyZ', 'member')), :'ta'::uuid, 'a mapped role claim');
select is(current_setting('app.role'), 'member', 'narrows the membership role');
select is(tenantd.enter(pg_temp.ext('user_2AliceAbC', 'org_2AcmeXyZ', null, array['acme'])), :'ta'::uuid,
          'the same tenant named in the path agrees');
select throws_ok(format('select tenantd.enter(%L)', pg_temp.ext('user_2AliceAbC', 'org_2AcmeXyZ', null, array['globex'])),
                 'TDF06', null, 'another tenant in the path: tenant_mismatch');
select throws_ok(format('select tenantd.enter(%L)', pg_temp.ext('user_2AliceAbC', 'org_2GlobexQ')), 'TDU01', null,
                 'A''s user with B''s organization: no membership there');
select throws_ok(format('select tenantd.enter(%L)', pg_temp.ext('user_2AliceAbC', 'org_unknown')), 'TDN05',
                 'no tenant is linked to the token''s organization', 'an unlinked organization');
select throws_ok(format('select tenantd.enter(%L)', pg_temp.ext('user_unknown', 'org_2AcmeXyZ')), 'TDU01',
                 'the token''s user is not linked to an identity of this service', 'an unlinked user');
select throws_ok(format('select tenantd.enter(%L)', pg_temp.ext('user_2AliceAbC', 'org_2AcmeXyZ') ||
                                                    jsonb_build_object('user_id', :'bob')),
                 'TDB07', null, 'provider ids never beside a tenantd user id');
select throws_ok(format('select tenantd.enter(%L)', pg_temp.ext(E'user_\n', 'org_2AcmeXyZ')), 'TDB07', null,
                 'control characters are refused');
select throws_ok(format('select tenantd.enter(%L)', pg_temp.ext(repeat('u', 256), 'org_2AcmeXyZ')), 'TDB07', null,
                 'over-long ids are refused');
reset role;
update tenantd.memberships set disabled = true where tenant_id = :'ta' and user_id = :'alice';
set local role tenantd_app;
select throws_ok(format('select tenantd.enter(%L)', pg_temp.ext('user_2AliceAbC', 'org_2AcmeXyZ')), 'TDU01', null,
                 'a disabled member''s valid provider token is refused');
reset role;
delete from tenantd.memberships where tenant_id = :'ta' and user_id = :'alice';
set local role tenantd_app;
select throws_ok(format('select tenantd.enter(%L)', pg_temp.ext('user_2AliceAbC', 'org_2AcmeXyZ')), 'TDU01', null,
                 'a removed member''s valid provider token is refused');

select * from finish();
rollback;
