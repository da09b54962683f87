-- tenantd.slug_problem(slug): why a slug cannot name a tenant, or NULL when it can. The slug is
-- a DNS label (RFC 1035/1123: 1–63 of [a-z0-9-], no leading or trailing hyphen), lower case only
-- (a DNS name is case-insensitive, a tenant reference is not), not an IDNA-reserved label
-- ("xn--…", any "??--" prefix, RFC 5891 §4.2.3.1), not shaped like a uuid (enter_context reads
-- uuid-shaped references as ids) and not reserved (tenantd.reserved_slugs()).
-- Used by api.create_tenant for explicit and derived slugs alike.
create or replace function tenantd.slug_problem(p_slug text) returns text
language sql immutable parallel safe
as $$
  select case
    when p_slug is null or p_slug = '' then 'slug must not be empty'
    when length(p_slug) > 63 then 'slug must be at most 63 characters'
    when p_slug !~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$'
      then 'slug must be lower-case letters, digits and inner hyphens (a DNS label)'
    when substr(p_slug, 3, 2) = '--' then 'slug must not have hyphens in the third and fourth places'
    when p_slug ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
      then 'slug must not look like a uuid'
    when p_slug = any (tenantd.reserved_slugs()) then format('slug %s is reserved', p_slug)
  end
$$;

revoke all on function tenantd.slug_problem(text) from public;
grant execute on function tenantd.slug_problem(text) to tenantd_app, tenantd_readonly;
