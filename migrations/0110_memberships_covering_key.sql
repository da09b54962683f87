-- The member list (api.list_members, GET /v1/users) reads one tenant's memberships in user id
-- order. With the key index on (tenant_id, user_id) alone, each of the page's 51 rows is a heap
-- fetch, and memberships of one tenant are spread over the heap (they are created over time,
-- between other tenants' rows): at 100,000 tenants x 100 members a page touched 53 heap pages
-- and the one-client p50 was 7 x that of 1,000 x 1,000 (bench (e)). The key index now carries
-- every column the list and its row-level security policy read, so the page is an index-only
-- scan of a few adjacent leaf pages at any number of tenants.
--
-- The unique constraint itself is rebuilt with INCLUDE columns rather than adding a second index
-- beside it: one index to maintain per write, and the sessions foreign key keeps referencing the
-- same (tenant_id, user_id) key.
alter table tenantd.sessions drop constraint sessions_tenant_id_user_id_fkey;
alter table tenantd.memberships drop constraint memberships_tenant_id_user_id_key;
alter table tenantd.memberships
  add constraint memberships_tenant_id_user_id_key unique (tenant_id, user_id)
  include (role, email, display_name, created_at, disabled, user_disabled);
alter table tenantd.sessions
  add constraint sessions_tenant_id_user_id_fkey foreign key (tenant_id, user_id)
  references tenantd.memberships (tenant_id, user_id) on delete cascade;
