-- tenantd.apply_webhook_event as tenantd_worker without any context (as the 'webhook.process' job
-- runs it): every event type of Clerk's set, out-of-order events, and the guards that keep one
-- tenant per organization and one identity per external user.
begin;
select plan(44);
select tests.share_tap_with('tenantd_worker');

-- receive + apply, as the endpoint and then the job do
create function pg_temp.deliver(p_id text, p_payload jsonb) returns text
language plpgsql volatile as $$
begin
  perform tenantd.receive_webhook_event(p_id, p_payload ->> 'type', p_payload);
  return tenantd.apply_webhook_event(p_id, 1);
end
$$;
grant execute on function pg_temp.deliver(text, jsonb) to tenantd_worker;
select tests.create_user('linked@t71.example');
select tests.create_user('victim@t71.example');
-- the victim and the linked identity belong to a tenant the provider knows nothing about
select tests.create_tenant('t71-other');
select tests.add_member(t.id, u.id, 'tenant_admin') from tenantd.tenants t, tenantd.users u
 where t.slug = 't71-other' and u.email in ('victim@t71.example', 'linked@t71.example');

set local role tenantd_worker;

-- users: only the primary address, and only when the provider marks it verified
select matches(pg_temp.deliver('msg_t71_u1', $${"type":"user.created","data":{"id":"user_t71_a",
  "first_name":"Ada","last_name":"Lovelace","primary_email_address_id":"idn_2",
  "email_addresses":[{"id":"idn_1","email_address":"other@t71.example","verification":{"status":"verified"}},
                     {"id":"idn_2","email_address":"ada@t71.example","verification":{"status":"verified"}}]}}$$),
  '^user created', 'user.created creates a global user');
select matches(pg_temp.deliver('msg_t71_u2', $${"type":"user.updated","data":{"id":"user_t71_a",
  "first_name":"Ada","last_name":"King","primary_email_address_id":"idn_3",
  "email_addresses":[{"id":"idn_3","email_address":"ada.king@t71.example","verification":{"status":"verified"}}]}}$$),
  '^user updated', 'user.updated updates it');
select matches(pg_temp.deliver('msg_t71_u3', $${"type":"user.created","data":{"id":"user_t71_l","primary_email_address_id":"idn_9",
  "email_addresses":[{"id":"idn_9","email_address":"LINKED@t71.example","verification":{"status":"verified"}}]}}$$),
  '^user linked', 'user.created links an identity that has the same verified email');
select matches(pg_temp.deliver('msg_t71_u4', $${"type":"user.created","data":{"id":"user_t71_b","primary_email_address_id":"idn_5",
  "username":"bob","email_addresses":[{"id":"idn_5","email_address":"bob@t71.example","verification":{"status":"verified"}}]}}$$),
  '^user created', 'a second user');
select is(pg_temp.deliver('msg_t71_u5', '{"type":"user.created","data":{"id":"user_t71_x","email_addresses":[]}}'),
  'no verified primary email address: ignored', 'a user without an email address creates nothing');
select throws_ok($$select pg_temp.deliver('msg_t71_u6', '{"type":"user.created","data":{"id":"user_t71_y","primary_email_address_id":"e","email_addresses":[{"id":"e","email_address":"ada.king@t71.example","verification":{"status":"verified"}}]}}')$$,
  'TDC04', null, 'an email that belongs to another external user is refused');
-- the attacks: a provider account that merely claims someone's address
select is(pg_temp.deliver('msg_t71_u7', $${"type":"user.created","data":{"id":"user_t71_mallory","primary_email_address_id":"e1",
  "email_addresses":[{"id":"e1","email_address":"victim@t71.example","verification":{"status":"unverified"}}]}}$$),
  'no verified primary email address: ignored', 'an unverified primary address links nothing');
select is(pg_temp.deliver('msg_t71_u8', $${"type":"user.created","data":{"id":"user_t71_mallory","primary_email_address_id":"e1",
  "email_addresses":[{"id":"e1","email_address":"mallory@t71.example"},
                     {"id":"e2","email_address":"victim@t71.example","verification":{"status":"verified"}}]}}$$),
  'no verified primary email address: ignored', 'a verified address that is not the primary links nothing either');
select is(pg_temp.deliver('msg_t71_u9', $${"type":"user.updated","data":{"id":"user_t71_mallory","primary_email_address_id":"e1",
  "email_addresses":[{"id":"e1","email_address":"victim@t71.example","verification":{"status":null}}]}}$$),
  'no verified primary email address: ignored', 'nor does an update whose primary address is unverified');
select throws_ok($$select pg_temp.deliver('msg_t71_u10', '{"type":"user.updated","data":{"id":"user_t71_mallory","primary_email_address_id":"e1","email_addresses":[{"id":"e1","email_address":"LINKED@t71.example","verification":{"status":"verified"}}]}}')$$,
  'TDC04', null, 'an update from another provider user cannot take over an identity linked to someone else');

-- organizations
select matches(pg_temp.deliver('msg_t71_o1', $${"type":"organization.created","data":{"id":"org_t71",
  "name":"T71 Org","slug":"t71-org"}}$$),
  '^tenant created', 'organization.created signs a tenant up');
select matches(pg_temp.deliver('msg_t71_o2', $${"type":"organization.created","data":{"id":"org_t71",
  "name":"T71 Org again","slug":"t71-org-2"}}$$),
  '^tenant exists', 'a second organization.created for it (another event id) creates nothing');
select matches(pg_temp.deliver('msg_t71_o3', $${"type":"organization.created","data":{"id":"org_t71_b",
  "name":"T71 B","slug":"t71-org"}}$$),
  '^tenant created', 'an organization whose slug is taken gets a derived slug');
select is(tenantd.apply_webhook_event('msg_t71_o1', 2), 'event already completed', 'running a completed event again changes nothing');
select throws_ok($$select pg_temp.deliver('msg_t71_o4', '{"type":"organization.updated","data":{"id":"org_t71_unknown","name":"X"}}')$$,
  'TDN06', null, 'organization.updated before its organization.created: retried later');
select is(pg_temp.deliver('msg_t71_o5', '{"type":"organization.updated","data":{"id":"org_t71","name":"T71 Renamed"}}'),
  'tenant renamed', 'organization.updated renames the tenant');
select throws_ok($$select pg_temp.deliver('msg_t71_o6', '{"type":"organization.updated"}')$$,
  'TDB04', null, 'an event without data cannot be applied');

-- memberships
select throws_ok($$select pg_temp.deliver('msg_t71_m0', '{"type":"organizationMembership.created","data":{"role":"org:admin","organization":{"id":"org_t71"},"public_user_data":{"user_id":"user_t71_a"}}}')$$,
  'TDC13', null, 'a membership in a tenant not provisioned yet: retried later');
reset role;
select is(tenantd.provision_tenant(id), 'active', 'the tenant is provisioned (as its job would)')
  from tenantd.tenants where external_id = 'org_t71';
set local role tenantd_worker;
select is(pg_temp.deliver('msg_t71_m1', $${"type":"organizationMembership.created","data":{"role":"org:admin",
  "organization":{"id":"org_t71"},"public_user_data":{"user_id":"user_t71_a"}}}$$),
  'membership created', 'organizationMembership.created adds the member');
select is(pg_temp.deliver('msg_t71_m2', $${"type":"organizationMembership.created","data":{"role":"org:member",
  "organization":{"id":"org_t71"},"public_user_data":{"user_id":"user_t71_b"}}}$$),
  'membership created', 'a second member');
select is(pg_temp.deliver('msg_t71_m3', $${"type":"organizationMembership.updated","data":{"role":"org:admin",
  "organization":{"id":"org_t71"},"public_user_data":{"user_id":"user_t71_b"}}}$$),
  'membership updated', 'organizationMembership.updated changes the role');
select is(pg_temp.deliver('msg_t71_m4', $${"type":"organizationMembership.updated","data":{"role":"org:admin",
  "organization":{"id":"org_t71"},"public_user_data":{"user_id":"user_t71_b"}}}$$),
  'membership unchanged', 'the same role again changes nothing');
select is(pg_temp.deliver('msg_t71_m5', $${"type":"organizationMembership.deleted","data":{"role":"org:admin",
  "organization":{"id":"org_t71"},"public_user_data":{"user_id":"user_t71_b"}}}$$),
  'membership removed', 'organizationMembership.deleted removes the member');
select throws_ok($$select pg_temp.deliver('msg_t71_m6', '{"type":"organizationMembership.created","data":{"role":"org:member","organization":{"id":"org_t71"},"public_user_data":{"user_id":"user_t71_nobody"}}}')$$,
  'TDN07', null, 'a membership of a user not known yet: retried later');

select is(pg_temp.deliver('msg_t71_m7', $${"type":"organizationMembership.created","data":{"role":"org:member",
  "organization":{"id":"org_t71"},"public_user_data":{"user_id":"user_t71_l","first_name":"Lin","last_name":"Ked"}}}$$),
  'membership created', 'the linked identity joins the organization through the provider');
select matches(pg_temp.deliver('msg_t71_u11', $${"type":"user.updated","data":{"id":"user_t71_a",
  "first_name":"Ada","last_name":"Byron","primary_email_address_id":"idn_3",
  "email_addresses":[{"id":"idn_3","email_address":"ada.king@t71.example","verification":{"status":"verified"}}]}}$$),
  '^user updated', 'a later name change');

-- deletions: the provider takes back what it created, nothing else
select is(pg_temp.deliver('msg_t71_d1', '{"type":"user.deleted","data":{"id":"user_t71_b","deleted":true}}'),
  'user unlinked, 0 provider memberships removed', 'user.deleted unlinks the user');
select is(pg_temp.deliver('msg_t71_d0', '{"type":"user.deleted","data":{"id":"user_t71_l","deleted":true}}'),
  'user unlinked, 1 provider memberships removed', 'user.deleted of a linked identity removes the membership the provider made');
select is(pg_temp.deliver('msg_t71_d2', '{"type":"organization.deleted","data":{"id":"org_t71","deleted":true}}'),
  'tenant deleted', 'organization.deleted soft-deletes the tenant');
select is(pg_temp.deliver('msg_t71_d3', '{"type":"organization.deleted","data":{"id":"org_t71_never","deleted":true}}'),
  'no tenant for this organization', 'deleting an unknown organization is a no-op');
select matches(pg_temp.deliver('msg_t71_d4', '{"type":"organization.created","data":{"id":"org_t71_never","name":"Late"}}'),
  '^organization already deleted', 'an organization.created applied after its deletion creates nothing');
reset role;

select results_eq($$select email, disabled from tenantd.users where external_id = 'user_t71_a'$$,
  $$values ('ada.king@t71.example'::text, false)$$, 'the user has the primary email');
select results_eq($$select m.display_name, m.source from tenantd.memberships m join tenantd.users u on u.id = m.user_id
                     where u.external_id = 'user_t71_a'$$,
  $$values ('Ada Byron'::text, 'webhook'::text)$$, 'the provider''s name is on the membership the provider made');
select results_eq($$select count(*)::int, bool_and(external_id is null), bool_and(not disabled)
                     from tenantd.users where lower(email) = 'linked@t71.example'$$,
  $$values (1, true, true)$$, 'the linked identity was not duplicated, and user.deleted unlinked it without disabling it');
select results_eq($$select t.slug, m.display_name from tenantd.memberships m join tenantd.users u on u.id = m.user_id
                     join tenantd.tenants t on t.id = m.tenant_id where u.email = 'linked@t71.example'$$,
  $$values ('t71-other'::text, 'linked'::text)$$,
  'its membership the provider did not create is untouched (access elsewhere is not the provider''s to end)');
select results_eq($$select external_id, (select count(*)::int from tenantd.memberships m where m.user_id = u.id)
                     from tenantd.users u where email = 'victim@t71.example'$$,
  $$values (null::text, 1)$$, 'unverified or non-primary claims left the victim unlinked, with their one membership');
select is((select count(*)::int from tenantd.users where lower(email) = 'mallory@t71.example' or external_id = 'user_t71_mallory'),
  0, 'and created no identity for the claimant');
select results_eq($$select disabled, external_id from tenantd.users where email = 'bob@t71.example'$$, $$values (false, null::text)$$,
  'the deleted user is unlinked, neither disabled nor deleted');
select results_eq($$select count(*)::int, min(name), bool_and(deleted_at is not null), min(slug)
                      from tenantd.tenants where external_id = 'org_t71'$$,
  $$values (1, 'T71 Renamed'::text, true, 't71-org'::text)$$, 'one tenant for the organization: renamed, then deleted');
select results_eq($$select count(*)::int from tenantd.tenants where external_id = 'org_t71_never'$$, $$values (0)$$,
  'no tenant for the organization deleted first');
select results_eq($$select m.role from tenantd.memberships m join tenantd.tenants t on t.id = m.tenant_id
                      where t.external_id = 'org_t71'$$, $$values ('tenant_admin'::text)$$,
  'the admin''s membership remains, the removed ones are gone');
select results_eq($$select a.action from tenantd.audit_log a join tenantd.tenants t on t.id = a.tenant_id
                      where t.external_id = 'org_t71' and a.request_id like 'webhook:%' order by a.at, a.action$$,
  $$values ('member.created'::text), ('member.created'), ('member.created'), ('member.removed'), ('member.removed'), ('member.updated'), ('tenant.created'), ('tenant.deleted'), ('tenant.updated')$$,
  'every change left an audit row naming the event');
select results_eq($$select count(*)::int from tenantd.webhook_events where id like 'msg_t71_%' and status = 'completed' and attempts = 1$$,
  $$values (24)$$, 'the applied events are completed');

select * from finish();
rollback;
