-- tenantd.owner_policies(): the policies for tenantd_owner, what SECURITY DEFINER code
-- (tenantd.definer_functions()) may see beyond the caller's own policies, each with its reason.
-- tenantd.rls_audit() reports any other policy for the owner (unlisted_owner_policy).
create or replace function tenantd.owner_policies()
returns table (policy_name text, reason text)
language sql immutable parallel safe
as $$
  values
    ('tenantd.tenants select_as_owner', 'enter resolves slugs and ids before any context; the public status page'),
    ('tenantd.users insert_as_owner', 'a new identity is created by email (members, invitations, sign-up, provider events)'),
    ('tenantd.users select_as_owner', 'identities are global: found by email (members, invitations, login) or by provider id (webhooks)'),
    ('tenantd.memberships select_as_owner', 'enter checks the membership before the context exists; MAX_TENANTS_PER_USER counts across tenants'),
    ('tenantd.memberships insert_as_owner', 'accepting an invitation or a provider event joins a person to the tenant the invitation or event names'),
    ('tenantd.memberships update_as_owner', 'login marks the membership accepted and the identity sync copies email and disabled, each inside the tenant it set'),
    ('tenantd.invitations select_as_owner', 'an invitation is found by its token hash before any context exists'),
    ('tenantd.login_attempts select_as_owner', 'login counts failed attempts in the tenant it set'),
    ('tenantd.roles insert_builtin_as_owner', 'a new tenant gets its built-in roles (provisioning, sign-up)'),
    ('tenantd.onboarding_steps insert_seeded_as_owner', 'a new tenant gets its onboarding steps (provisioning, sign-up)'),
    ('tenantd.signup_attempts all_as_owner', 'sign-up rate counting per client address, across tenants'),
    ('tenantd.domains select_as_owner', 'Host routing, the on-demand TLS ask and the verification job find a hostname''s claims across tenants'),
    ('tenantd.domains update_as_owner', 'the verification job records outcomes and fails the other tenants'' pending claims of a hostname it verified'),
    ('tenantd.events insert_as_owner', 'the event triggers record every writer''s status changes; no login role writes events'),
    ('tenantd.events select_as_owner', 'the public status stream''s replay reads one tenant''s status events before any context'),
    ('tenantd.events delete_expired_as_owner', 'tenantd.record_event prunes events past the one-day retention')
$$;

revoke all on function tenantd.owner_policies() from public;
grant execute on function tenantd.owner_policies() to tenantd_readonly;
