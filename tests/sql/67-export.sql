-- Tenant data export: tenant_exports isolation (its policy file), the endpoint functions
-- (create: export:create, include_secrets also config:secrets; get: another tenant's export is
-- missing; download: token hash, expiry, tenant), and the job's reads: tenantd.export_rows runs
-- as tenantd_readonly, sees only the tenant it is given and none of the credential columns.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
\set carol aaaaaaaa-0067-4000-8000-000000000001
\set erin aaaaaaaa-0067-4000-8000-000000000002
\set exporter aaaaaaaa-0067-4000-8000-000000000003
\set ea aaaaaaaa-0067-4000-8000-00000000000a
\set eb bbbbbbbb-0067-4000-8000-00000000000b
begin;
select plan(34);
create temp table made (status int, body jsonb);
create temp table linked (body jsonb);
select tests.share_tap_with('tenantd_app');
select tests.share_tap_with('tenantd_worker');
select tests.share_tap_with('tenantd_readonly');
select tests.seed_two_tenants();
select tests.create_user('carol@acme.test', :'carol'), tests.create_user('erin@acme.test', :'erin');
select tests.add_member(:'ta', :'carol', 'member');
-- a tenant-defined role that may export but not read secrets
insert into tenantd.roles (tenant_id, id, name) values (:'ta', :'exporter', 'exporter');
insert into tenantd.role_permissions (tenant_id, role_id, permission) values (:'ta', :'exporter', 'export:create');
select tests.add_member(:'ta', :'erin', 'exporter');
insert into tenantd.tenant_exports (tenant_id, id, status) values (:'ta', :'ea', 'queued'), (:'tb', :'eb', 'done');
update tenantd.tenant_exports set file_name = :'eb' || '.tar', link_token_hash = sha256('b-token'),
       link_expires_at = now() + interval '1 hour' where id = :'eb';

-- isolation of tenant_exports
select ok((select relrowsecurity and relforcerowsecurity from pg_class where oid = 'tenantd.tenant_exports'::regclass),
          'tenant_exports: RLS enabled and forced');
set local role tenantd_app;
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select results_eq('select id from tenantd.tenant_exports', array[:'ea'::uuid], 'admin of A sees only A''s export');
select is(tests.affected_rows(format($$update tenantd.tenant_exports set error = 'x' where id = %L$$, :'eb')), 0,
          'admin of A cannot change B''s export');
select throws_ok(format($$insert into tenantd.tenant_exports (tenant_id) values (%L)$$, :'tb'), '42501', null,
                 'admin of A cannot make an export in B');
select throws_ok(format($$delete from tenantd.tenant_exports where id = %L$$, :'ea'), '42501', null,
                 'nobody deletes an export through the app role');
select tests.act_as(:'ta', :'carol', 'member');
select is((select count(*)::int from tenantd.tenant_exports), 0, 'a member (no export:create) sees no export');
select tests.act_as(:'tb', :'bob', 'tenant_admin');
select results_eq('select id from tenantd.tenant_exports', array[:'eb'::uuid], 'admin of B sees only B''s export');
select tests.act_as(null, null, null);
select is((select count(*)::int from tenantd.tenant_exports), 0, 'no context: no export');
reset role;

-- api.create_export
set local role tenantd_app;
select tests.act_as(:'ta', :'carol', 'member');
select throws_ok('select api.create_export(null, false)', 'TD403', null, 'a member cannot export');
select tests.act_as(:'ta', :'erin', 'exporter');
select throws_ok('select api.create_export(null, true)', 'TD403', null,
                 'secrets in clear need config:secrets on top of export:create');
select is((select (r).status from api.create_export(null, false) r), 202, 'export:create alone exports without secrets');
select tests.act_as(:'ta', :'alice', 'tenant_admin');
insert into made select (r).status, (r).body::jsonb from api.create_export(null, true) r;
reset role;
select is((select status from made), 202, 'tenant_admin exports with secrets: 202');
select is((select body ->> 'status' from made), 'queued', 'the export is queued');
select is((select body -> 'include_secrets' from made), 'true'::jsonb, 'with secrets');
select is((select count(*)::int from tenantd.jobs j, made m
            where j.kind = 'tenant.export' and j.id = (m.body ->> 'job_id')::bigint
              and j.payload = jsonb_build_object('tenant_id', :'ta'::uuid, 'export_id', (m.body ->> 'id')::uuid)), 1,
          'its job names the tenant and the export');
select is((select count(*)::int from tenantd.audit_log a, made m
            where a.tenant_id = :'ta' and a.action = 'export.requested' and a.target_id = m.body ->> 'id'), 1,
          'the request is audited');

-- tenantd.enqueue_export decides from the context alone (on Citus it may not read the row the
-- caller just wrote): the job names the context's tenant, whatever export id it is given
set local role tenantd_app;
select tests.act_as(:'ta', :'carol', 'member');
select throws_ok(format('select tenantd.enqueue_export(%L)', :'eb'), 'TDC20', null,
                 'a member (no export:create) queues no export job');
select tests.act_as(null, null, null);
select throws_ok(format('select tenantd.enqueue_export(%L)', :'eb'), 'TDC20', null, 'no context: no export job');
select tests.act_as(:'ta', :'alice', 'tenant_admin');
insert into made (status, body) select -1, jsonb_build_object('job_id', tenantd.enqueue_export(:'eb'));
reset role;
select is((select j.payload ->> 'tenant_id' from tenantd.jobs j, made m
            where m.status = -1 and j.id = (m.body ->> 'job_id')::bigint), :'ta',
          'B''s export id named in A queues a job for A (which finds no such export), never for B');
delete from made where status = -1;

-- api.get_export and api.download_export
set local role tenantd_app;
select tests.act_as(:'ta', :'alice', 'tenant_admin');
select throws_ok(format('select api.get_export(null, %L, 900)', :'eb'), 'TDC20', null, 'B''s export is missing in A');
select throws_ok(format($$select api.download_export(null, %L, sha256('b-token'))$$, :'eb'), 'TDC20', null,
                 'B''s token does not download B''s export in A');
select is((select (r).body::jsonb ? 'download' from api.get_export(null, :'ea', 900) r), false,
          'a queued export has no link');
select tests.act_as(:'tb', :'bob', 'tenant_admin');
select throws_ok(format($$select api.download_export(null, %L, sha256('wrong'))$$, :'eb'), 'TDC20', null,
                 'a wrong token answers like a missing export');
select is((select (r).status from api.download_export(null, :'eb', sha256('b-token')) r), 200, 'the right token downloads');
insert into linked select (r).body::jsonb from api.get_export(null, :'eb', 60) r;
select matches((select body #>> '{download,url}' from linked), '^/v1/export/' || :'eb' || '/download\?token=[A-Za-z0-9_-]{43}$',
               'a finished export answers a fresh link');
select throws_ok(format($$select api.download_export(null, %L, sha256('b-token'))$$, :'eb'), 'TDC20', null,
                 'the earlier link stops working');
reset role;
update tenantd.tenant_exports set link_expires_at = now() - interval '1 second' where id = :'eb';
set local role tenantd_app;
select tests.act_as(:'tb', :'bob', 'tenant_admin');
select throws_ok(format($$select api.download_export(null, %L, sha256(convert_to(%L, 'UTF8')))$$, :'eb',
                        split_part((select body #>> '{download,url}' from linked), 'token=', 2)),
                 'TDC21', null, 'an expired link: 410');
reset role;
select is((select count(*)::int from tenantd.audit_log where tenant_id = :'tb' and action = 'export.downloaded'), 1,
          'the one download is audited');

-- the job's reads: as tenantd_readonly, one tenant, no credential columns
set local role tenantd_app;
select throws_ok(format($$select tenantd.export_rows(%L, 'tenantd.memberships')$$, :'ta'), '42501', null,
                 'the app role cannot call the export reader');
reset role;
set local role tenantd_worker;
select throws_ok(format($$select count(*) from tenantd.memberships$$), '42501', null,
                 'the worker itself reads no tenant table (its reporting role is not inherited)');
set local role tenantd_readonly;
select is((select count(*)::int from tenantd.export_rows(:'ta', 'tenantd.memberships') r
            where (r::jsonb ->> 'tenant_id')::uuid = :'ta'), 3, 'A''s three memberships');
select is((select count(*)::int from tenantd.export_rows(:'ta', 'tenantd.memberships') r where r::jsonb ? 'password_hash'), 0,
          'without their password hashes');
select is((select count(*)::int from tenantd.export_rows(:'ta', 'tenantd.tenant_exports') r
            where r::jsonb ? 'link_token_hash'), 0, 'nor link token hashes');
select is((select count(*)::int from tenantd.tenant_tables() t,
                  lateral tenantd.export_rows(:'ta', t.tbl) r where (r::jsonb ->> 'tenant_id')::uuid is distinct from :'ta'), 0,
          'no row of another tenant in any tenant table');
reset role;
select * from finish();
rollback;
