-- Tenant slugs: tenantd.slugify (derivation), tenantd.slug_problem (DNS label rules, reserved
-- words) and api.create_tenant (explicit slugs, numeric suffixes on collision, audit).
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set ops 0000000e-0000-4000-8000-00000000000e
begin;
select plan(41);
select tests.share_tap_with('tenantd_app');
select tests.seed_two_tenants();
-- a soft-deleted tenant keeps its slug
select tests.create_tenant('gone-corp');
update tenantd.tenants set deleted_at = now() where slug = 'gone-corp';

-- derivation
select is(tenantd.slugify('Acme Corp'), 'acme-corp', 'lower case, spaces become hyphens');
select is(tenantd.slugify('  --Hello__World!!  '), 'hello-world', 'runs of other characters become one hyphen; none at the ends');
select is(tenantd.slugify('Ärger & Söhne GmbH'), 'arger-sohne-gmbh', 'Latin accents are folded to ASCII');
select is(tenantd.slugify('Straße Œuvre'), 'strasse-oeuvre', 'ß and œ become ss and oe');
select is(tenantd.slugify('ÉCOLE ÇA'), 'ecole-ca', 'upper-case accented letters too');
select is(tenantd.slugify('日本語'), 'tenant', 'nothing usable left: tenant');
select is(tenantd.slugify(''), 'tenant', 'empty name: tenant');
select is(length(tenantd.slugify(repeat('abcdefgh', 20))), 63, 'at most 63 characters');
select is(tenantd.slugify(repeat('a', 62) || ' b'), repeat('a', 62), 'no trailing hyphen after truncation');
select is(tenantd.slugify('Acme Corp', 2), 'acme-corp-2', 'n > 1 appends -n');
select is(tenantd.slugify(repeat('x', 70), 12), repeat('x', 60) || '-12', 'the suffix still fits 63 characters');
select is(tenantd.slugify('Acme Corp', 1), tenantd.slugify('Acme Corp'), 'n = 1 is the bare slug');

-- DNS label rules and reserved words
select is(tenantd.slug_problem('acme-corp'), null, 'a DNS label is fine');
select is(tenantd.slug_problem('a'), null, 'one character is fine');
select is(tenantd.slug_problem('0day'), null, 'a leading digit is fine');
select isnt(tenantd.slug_problem('Acme'), null, 'upper case is refused');
select isnt(tenantd.slug_problem('-acme'), null, 'a leading hyphen is refused');
select isnt(tenantd.slug_problem('acme-'), null, 'a trailing hyphen is refused');
select isnt(tenantd.slug_problem('ac_me'), null, 'an underscore is refused');
select isnt(tenantd.slug_problem('acme.corp'), null, 'a dot is refused');
select isnt(tenantd.slug_problem(repeat('a', 64)), null, '64 characters are refused');
select is(tenantd.slug_problem(repeat('a', 63)), null, '63 characters are fine');
select isnt(tenantd.slug_problem('xn--bcher-kva'), null, 'IDNA-reserved labels (??--) are refused');
select isnt(tenantd.slug_problem('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'), null, 'a uuid-shaped slug is refused');
select ok((select bool_and(tenantd.slug_problem(w) = format('slug %s is reserved', w))
             from unnest(array['www', 'api', 'admin', 'app', 'stats', 'mail', 'status']) w),
          'reserved words are refused: www, api, admin, app, stats, mail, status');

-- api.create_tenant as a super admin through the app role
set local role tenantd_app;
select tests.act_as(null, :'ops', 'super_admin');
select results_eq($$select slug, name, status, plan, description, metadata
                      from api.create_tenant('  Initech Labs ', null, 'pro', 'widgets', '{"crm": 42}')$$,
                  $$values ('initech-labs', 'Initech Labs', 'pending', 'pro', 'widgets', '{"crm": 42}'::jsonb)$$,
                  'derived slug; the tenant starts pending with the given plan');
select results_eq($$select slug from api.create_tenant('Initech Labs', null, 'free', null, null)
                    union all select slug from api.create_tenant('initech labs!', null, 'free', null, null)$$,
                  $$values ('initech-labs-2'), ('initech-labs-3')$$,
                  'collisions get the next numeric suffix');
-- (other suites may have made admin-2 …: the first free suffix is not known in advance)
select matches((select slug from api.create_tenant('Admin', null, 'free', null, null)), '^admin-[0-9]+$',
               'a derived slug that is reserved gets a suffix');
select is((select slug from api.create_tenant('Gone Corp', null, 'free', null, null)), 'gone-corp-2',
          'a soft-deleted tenant''s slug counts as taken');
select is((select slug from api.create_tenant('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaab', null, 'free', null, null)),
          'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaab-2', 'a uuid-shaped derived slug gets a suffix');
select is((select slug from api.create_tenant('Whatever', 'hooli', 'free', null, null)), 'hooli',
          'an explicit slug is used as given');
select throws_ok($$select api.create_tenant('Hooli 2', 'hooli', 'free', null, null)$$,
                 'TDC12', 'slug hooli is already taken', 'a taken explicit slug: TD409 slug_taken');
select throws_ok($$select api.create_tenant('Gone', 'gone-corp', 'free', null, null)$$,
                 'TDC12', null, 'a soft-deleted tenant''s explicit slug: TD409');
select throws_ok($$select api.create_tenant('W', 'www', 'free', null, null)$$,
                 'TD422', 'slug www is reserved', 'an explicit reserved slug: TD422');
select throws_ok($$select api.create_tenant('W', 'Bad_Slug', 'free', null, null)$$,
                 'TD422', null, 'an explicit slug breaking DNS rules: TD422');
select throws_ok($$select api.create_tenant('   ', null, 'free', null, null)$$,
                 'TD422', null, 'a blank name: TD422');
select throws_ok($$select api.create_tenant('X', null, 'platinum', null, null)$$,
                 'TD422', 'unknown plan ''platinum''', 'an unknown plan: TD422');
-- audit rows are checked as the superuser: the super admin's context has no tenant, so the
-- audit_log policies show it none
reset role;
select results_eq($$select a.tenant_id = t.id, a.action, a.actor_id, a.actor_role, a.target_id = t.id::text,
                           a.details ->> 'slug', a.details ->> 'slug_derived'
                      from tenantd.audit_log a join tenantd.tenants t on t.id = a.tenant_id
                     where t.slug = 'initech-labs' and a.action = 'tenant.created'$$,
                  format($$values (true, 'tenant.created', %L::uuid, 'super_admin', true, 'initech-labs', 'true')$$, :'ops'),
                  'a tenant.created audit row in the new tenant, by the super admin');
select is(current_setting('app.tenant_id'), '', 'the audit insert leaves the context as it was');
set local role tenantd_app;

-- nobody but a super admin
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select throws_ok($$select api.create_tenant('Evil', null, 'free', null, null)$$,
                 'TD403', null, 'a tenant admin cannot create tenants');
select tests.act_as(:'ta', :'alice', 'member');
select throws_ok($$select api.create_tenant('Evil', null, 'free', null, null)$$,
                 'TD403', null, 'nor can a member');
reset role;

select * from finish();
rollback;
