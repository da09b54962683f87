-- The endpoint functions of /v1/invitations, /v1/auth/logout, /v1/signup and webhook receipt
-- (sql/80–86, issue 9): called with a request context as the dispatcher sends it, as the role
-- the service uses. Each shows the answer's shape, a refusal by permission, and another
-- tenant's id answering not-found.
\set ta aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa
\set tb bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb
\set alice aaaaaaaa-0000-4000-8000-000000000001
\set bob bbbbbbbb-0000-4000-8000-000000000001
begin;
select plan(38);
select tests.share_tap_with('tenantd_app');
select tests.share_tap_with('tenantd_worker');
select tests.seed_two_tenants();

-- the contexts: alice (tenant_admin of acme), alice narrowed to member by her token's claim,
-- bob (tenant_admin of globex), and a public route's
create temp table ctx (name text primary key, c jsonb);
insert into ctx values
  ('a', jsonb_build_object('refs', jsonb_build_array(:'ta'), 'user_id', :'alice', 'role', 'tenant_admin',
                           'subject', :'alice', 'request_id', 'r55-a', 'route', 'POST /v1/invitations',
                           'client', '10.55.0.1', 'permission', 'invitations:write')),
  ('a_member', jsonb_build_object('refs', jsonb_build_array(:'ta'), 'user_id', :'alice', 'role', 'member',
                                  'subject', :'alice', 'request_id', 'r55-m', 'route', 'POST /v1/invitations',
                                  'client', '10.55.0.1', 'permission', 'invitations:write')),
  ('b', jsonb_build_object('refs', jsonb_build_array(:'tb'), 'user_id', :'bob', 'role', 'tenant_admin',
                           'subject', :'bob', 'request_id', 'r55-b', 'route', 'POST /v1/invitations',
                           'client', '10.55.0.2', 'permission', 'invitations:write')),
  ('public', jsonb_build_object('request_id', 'r55-p', 'route', 'POST /v1/invitations/accept',
                                'client', '10.55.0.3'));
grant select on ctx to tenantd_app, tenantd_worker;
create temp table answers (name text primary key, r tenantd.reply);
grant select, insert on answers to tenantd_app, tenantd_worker;

set local role tenantd_app;

-- create
insert into answers
select 'carol', api.create_invitation((select c from ctx where name = 'a'), 'carol@example.test', 'member', 7);
select results_eq($$select (r).status, (r).body ->> 'email', (r).body ->> 'status', (r).body ->> 'invited_by',
                           (r).headers ->> 'Location' = '/v1/invitations/' || ((r).body ->> 'id'),
                           (r).headers ->> 'Cache-Control'
                      from answers where name = 'carol'$$,
                  format($$values (201, 'carol@example.test', 'pending', %L, true, 'no-store')$$, :'alice'),
                  'create_invitation: 201, the invitation, its Location, no-store');
select ok((select (r).body ->> 'token' ~ '^[A-Za-z0-9_-]{43}$' from answers where name = 'carol'),
          'create_invitation: a 43-character base64url token, answered once');
select ok((select (r).body::text !~ ' : ' from answers where name = 'carol'), 'the body is compact JSON');
reset role;
select is((select i.token_hash from tenantd.invitations i where i.email = 'carol@example.test'),
          (select sha256(convert_to((r).body ->> 'token', 'UTF8')) from answers where name = 'carol'),
          'only the token''s SHA-256 is stored');
select is((select i.request_id from tenantd.audit_log i where i.action = 'invitation.created' and i.tenant_id = :'ta'),
          'r55-a', 'the audit row carries the request id of the context');
set local role tenantd_app;
insert into answers
select 'dan', api.create_invitation((select c from ctx where name = 'a'), 'dan@example.test', 'member', 7);
select isnt((select (r).body ->> 'token' from answers where name = 'dan'),
            (select (r).body ->> 'token' from answers where name = 'carol'), 'every invitation has its own token');
select throws_ok($$select api.create_invitation((select c from ctx where name = 'a_member'), 'erin@example.test', 'member', 7)$$,
                 'TD403', null, 'create_invitation: a member (without invitations:write) is refused');
select throws_ok($$select api.create_invitation((select c from ctx where name = 'a'), 'carol@example.test', 'member', 7)$$,
                 'TDC01', null, 'create_invitation: a second pending invitation for the address is refused');
insert into answers
select 'bob_inv', api.create_invitation((select c from ctx where name = 'b'), 'gina@example.test', 'member', 7);

-- list
select results_eq($$select (r).status, json_array_length((r).body -> 'data'), (r).body ->> 'next_cursor' is null
                      from (select api.list_invitations((select c from ctx where name = 'a'), 50, null, null, null) r) x$$,
                  $$values (200, 2, true)$$, 'list_invitations: both of acme''s invitations, no next page');
select results_eq($$select json_array_length((r).body -> 'data'), (r).body ->> 'next_cursor' is not null
                      from (select api.list_invitations((select c from ctx where name = 'a'), 1, null, null, null) r) x$$,
                  $$values (1, true)$$, 'list_invitations: limit 1 gives one and a cursor');
select is((select convert_from(decode(rpad(translate((r).body ->> 'next_cursor', '-_', '+/'),
                                           ((length((r).body ->> 'next_cursor') + 3) / 4) * 4, '='), 'base64'), 'UTF8')
             from (select api.list_invitations((select c from ctx where name = 'a'), 1, null, null, null) r) x)
          ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\|[0-9a-f-]{36}$', true,
          'list_invitations: the cursor holds created_at (microseconds) and id, as the service decodes it');
select is((select json_array_length((api.list_invitations((select c from ctx where name = 'a'), 50, 'revoked', null, null)).body -> 'data')),
          0, 'list_invitations: the status filter');
select is((select (api.list_invitations((select c from ctx where name = 'b'), 50, null, null, null)).body -> 'data' -> 0 ->> 'email'),
          'gina@example.test', 'list_invitations: globex sees its own invitation only');
select throws_ok($$select api.list_invitations((select c from ctx where name = 'a_member'), 50, null, null, null)$$,
                 'TD403', null, 'list_invitations: a member is refused');
select throws_ok($$select api.list_invitations((select c from ctx where name = 'a'), 0, null, null, null)$$,
                 'TD400', null, 'list_invitations: a limit outside 1–200 is refused');

-- get
select results_eq($$select (api.get_invitation((select c from ctx where name = 'a'), ((r).body ->> 'id')::uuid)).body ->> 'email'
                      from answers where name = 'carol'$$,
                  $$values ('carol@example.test')$$, 'get_invitation: the invitation');
select throws_ok($$select api.get_invitation((select c from ctx where name = 'a'), (select ((r).body ->> 'id')::uuid from answers where name = 'bob_inv'))$$,
                 'TDN02', null, 'get_invitation: globex''s invitation id is not found from acme');
select throws_ok($$select api.get_invitation((select c from ctx where name = 'a_member'), (select ((r).body ->> 'id')::uuid from answers where name = 'carol'))$$,
                 'TD403', null, 'get_invitation: a member is refused, even for an existing id');

-- revoke
select throws_ok($$select api.revoke_invitation((select c from ctx where name = 'a'), (select ((r).body ->> 'id')::uuid from answers where name = 'bob_inv'))$$,
                 'TDN02', null, 'revoke_invitation: globex''s invitation id is not found from acme');
select throws_ok($$select api.revoke_invitation((select c from ctx where name = 'a_member'), (select ((r).body ->> 'id')::uuid from answers where name = 'carol'))$$,
                 'TD403', null, 'revoke_invitation: a member is refused');
select results_eq($$select (x.r).status, (x.r).body ->> 'status', (x.r).body ->> 'revoked_at' is not null
                      from (select api.revoke_invitation((select c from ctx where name = 'a'),
                                                         (select ((r).body ->> 'id')::uuid from answers where name = 'dan')) r) x$$,
                  $$values (200, 'revoked', true)$$, 'revoke_invitation: 200, the invitation as it now is');

-- bulk: a well-formed entry, one SQL refuses, one the service refused by its shape
select results_eq($$select (r).status, (r).body ->> 'created', (r).body ->> 'failed',
                           (r).body -> 'results' -> 0 ->> 'status', (r).body -> 'results' -> 0 -> 'invitation' ->> 'token' ~ '^[A-Za-z0-9_-]{43}$',
                           (r).body -> 'results' -> 1 ->> 'sqlstate', (r).body -> 'results' -> 2 ->> 'code',
                           (r).headers ->> 'Cache-Control'
                      from (select api.create_invitations_bulk((select c from ctx where name = 'a'),
                              '[{"index": 0, "email": "hal@example.test", "role": "member", "expires_in_days": 7},
                                {"index": 1, "email": "carol@example.test", "role": "member", "expires_in_days": 7},
                                {"index": 2, "status": 400, "code": "missing_field", "detail": "field ''email'' is required"}]'::jsonb) r) x$$,
                  $$values (200, '1', '2', '201', true, 'TDC01', 'missing_field', 'no-store')$$,
                  'create_invitations_bulk: results in input order; a SQL refusal comes with its SQLSTATE for the problem table');
select throws_ok($$select api.create_invitations_bulk((select c from ctx where name = 'a_member'),
                     '[{"index": 0, "status": 400, "code": "missing_field", "detail": "x"}]'::jsonb)$$,
                 'TD403', null, 'create_invitations_bulk: a member is refused even when no entry is well-formed');

-- accept (public): the token is the credential
select throws_ok($$select api.check_invitation_token((select c from ctx where name = 'public'), sha256('no such token'))$$,
                 'TDN02', null, 'check_invitation_token: an unknown token is not found');
select throws_ok($$select api.check_invitation_token((select c from ctx where name = 'public'),
                     (select sha256(convert_to((r).body ->> 'token', 'UTF8')) from answers where name = 'dan'))$$,
                 'TDG01', null, 'check_invitation_token: a revoked invitation''s token is refused');
select is((select (api.check_invitation_token((select c from ctx where name = 'public'),
                     (select sha256(convert_to((r).body ->> 'token', 'UTF8')) from answers where name = 'carol'))).status),
          204, 'check_invitation_token: a pending token passes (204)');
insert into answers
select 'accepted', api.accept_invitation((select c from ctx where name = 'public'),
                     (select sha256(convert_to((r).body ->> 'token', 'UTF8')) from answers where name = 'carol'),
                     'scrypt-hash', 'Carol', 5);
select results_eq($$select (r).status, (r).body ->> 'tenant_id', (r).body ->> 'tenant_slug', (r).body ->> 'email',
                           (r).body ->> 'role', (r).body ->> 'accepted_at' ~ 'Z$'
                      from answers where name = 'accepted'$$,
                  format($$values (201, %L, 'acme', 'carol@example.test', 'member', true)$$, :'ta'),
                  'accept_invitation: 201 with the membership it made');
select throws_ok($$select api.accept_invitation((select c from ctx where name = 'public'), sha256('no such token'), null, null, 5)$$,
                 'TDN02', null, 'accept_invitation: an unknown token is not found');
reset role;
select is((select a.request_id from tenantd.audit_log a where a.action = 'invitation.accepted' and a.tenant_id = :'ta'),
          'r55-p', 'the accepted audit row carries the public request''s id');
set local role tenantd_app;

-- logout: 204 whatever the token
select results_eq($$select (r).status, (r).body is null, (r).headers ->> 'Cache-Control'
                      from (select api.auth_logout((select c from ctx where name = 'public'), null, null) r) x$$,
                  $$values (204, true, 'no-store')$$, 'auth_logout: 204 without a readable token');
select is((select (api.auth_logout((select c from ctx where name = 'public'), :'ta', '\xaa03')).status), 204,
          'auth_logout: 204 for a live session');
reset role;
select isnt((select revoked_at from tenantd.sessions where id = 'aaaaaaaa-0000-4000-8000-000000000003'), null,
            'and its session is revoked');
set local role tenantd_app;

-- sign-up (public): the per-address count, then the sign-up
select is((select (api.signup_rate_hit((select c from ctx where name = 'public'), 1)).body ->> 'retry_after'), '0',
          'signup_rate_hit: the first attempt of an address goes on');
select cmp_ok((select ((api.signup_rate_hit((select c from ctx where name = 'public'), 1)).body ->> 'retry_after')::int), '>', 0,
              'signup_rate_hit: the second in the minute waits (limit 1)');
select results_eq($$select (r).status, (r).body ->> 'status', (r).body ->> 'admin',
                           (r).headers ->> 'Location' = '/v1/tenant-status/' || ((r).body ->> 'tenant_id'),
                           (r).body ->> 'status_url' = (r).headers ->> 'Location'
                      from (select api.signup((select c from ctx where name = 'public'), 'T55 Org', 't55-org', 'free',
                                              'boss@t55.test', 'scrypt-hash', null, null) r) x$$,
                  $$values (202, 'pending', 'password', true, true)$$, 'signup: 202, pending, its status URL');

-- webhook receipt: the worker's, not the app role's
select throws_ok($$select api.receive_webhook_event((select c from ctx where name = 'public'), 'msg_t55', 'user.created', '{"type": "user.created"}')$$,
                 '42501', null, 'receive_webhook_event: the app role may not record events');
reset role;
set local role tenantd_worker;
select results_eq($$select (api.receive_webhook_event((select c from ctx where name = 'public'), 'msg_t55', 'user.created', '{"type": "user.created", "data": {}}')).body::text$$,
                  $$values ('{"id":"msg_t55","type":"user.created","duplicate":false}')$$,
                  'receive_webhook_event: recorded once');
select results_eq($$select (api.receive_webhook_event((select c from ctx where name = 'public'), 'msg_t55', 'user.created', '{"type": "user.created", "data": {}}')).body ->> 'duplicate'$$,
                  $$values ('true')$$, 'receive_webhook_event: a redelivery is a duplicate');
reset role;

select * from finish();
rollback;
