-- Onboarding: ordered steps per tenant, required or optional. New tenants get the default steps
-- from the trigger tg_tenants__seed_onboarding (sql/); tenants that exist now get them here.
-- Completing every required step can activate the tenant (api.complete_onboarding_step).
create table tenantd.onboarding_steps (
  -- steps are derived from the tenant (seeded for it), so they go with a hard-deleted tenant
  -- instead of blocking the delete
  tenant_id uuid not null default tenantd.current_tenant_id()
    references tenantd.tenants (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  key text not null constraint onboarding_steps_key_shape check (key ~ '^[a-z0-9_.-]{1,64}$'),
  title text not null check (title <> '' and length(title) <= 200),
  position int not null check (position >= 0),
  required boolean not null default true,
  completed_at timestamptz,
  completed_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  created_by uuid,
  updated_by uuid,
  primary key (tenant_id, id),
  constraint onboarding_steps_tenant_id_key_key unique (tenant_id, key),
  -- completed_by without completed_at would be a half-recorded completion
  constraint onboarding_steps_completed_by_needs_at check (completed_by is null or completed_at is not null)
);

-- GET /v1/onboarding lists a tenant's steps in order
create index onboarding_steps_tenant_id_position_idx on tenantd.onboarding_steps (tenant_id, position);

-- The default steps as of this migration, for the tenants that exist now (the current list is
-- tenantd.onboarding_default_steps() in sql/, which is applied after migrations). Inserted
-- before RLS is enabled below: in this transaction no policy exists yet that would admit them.
insert into tenantd.onboarding_steps (tenant_id, key, title, position, required)
select t.id, d.key, d.title, d.position, d.required
  from tenantd.tenants t
 cross join (values ('profile', 'Complete the organisation profile', 10, true),
                    ('invite_members', 'Invite your team', 20, true),
                    ('configure_settings', 'Review the configuration', 30, false),
                    ('connect_integrations', 'Connect your integrations', 40, false))
         as d (key, title, position, required);

-- born closed (see 0004_tenants.sql)
alter table tenantd.onboarding_steps enable row level security;
alter table tenantd.onboarding_steps force row level security;
