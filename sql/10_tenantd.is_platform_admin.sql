-- tenantd.is_platform_admin(subject): is this token subject a registered platform operator
-- (tenantd.platform_admins)? False for NULL and empty subjects.
--
-- SECURITY DEFINER because the app role has no grant on tenantd.platform_admins (it must not be
-- able to list operator subjects); this answers one yes/no for one subject and nothing else.
-- search_path pinned, names schema-qualified.
create or replace function tenantd.is_platform_admin(p_subject text) returns boolean
language sql stable parallel safe security definer
set search_path = pg_catalog, tenantd, pg_temp
as $$
  select coalesce(p_subject, '') <> ''
         and exists (select 1 from tenantd.platform_admins a where a.subject = p_subject)
$$;

revoke all on function tenantd.is_platform_admin(text) from public;
grant execute on function tenantd.is_platform_admin(text) to tenantd_app, tenantd_readonly;
