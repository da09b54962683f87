-- Plans: global reference data (limits and feature flags), no tenant data, so no tenant_id and
-- no row-level security; listed in policies/00_global_tables.sql. A NULL limit means unlimited.
create table tenantd.plans (
  id text primary key check (id ~ '^[a-z][a-z0-9_]{0,62}$'),
  name text not null,
  max_users int check (max_users >= 0),
  max_members_per_month int check (max_members_per_month >= 0),
  max_sessions int check (max_sessions >= 0),
  api_requests_per_minute int check (api_requests_per_minute >= 0),
  custom_domains int check (custom_domains >= 0),
  features jsonb not null default '{}' check (jsonb_typeof(features) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

insert into tenantd.plans (id, name, max_users, max_members_per_month, max_sessions,
                           api_requests_per_minute, custom_domains, features)
values
  ('free', 'Free', 5, 20, 10, 60, 0,
   '{"sso": false, "custom_roles": false, "audit_log_export": false, "webhooks": false}'),
  ('starter', 'Starter', 25, 100, 100, 300, 1,
   '{"sso": false, "custom_roles": false, "audit_log_export": false, "webhooks": true}'),
  ('pro', 'Pro', 100, 500, 1000, 1200, 5,
   '{"sso": true, "custom_roles": true, "audit_log_export": true, "webhooks": true}'),
  ('enterprise', 'Enterprise', null, null, null, null, null,
   '{"sso": true, "custom_roles": true, "audit_log_export": true, "webhooks": true}');
