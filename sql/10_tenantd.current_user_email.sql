-- tenantd.current_user_email(): the acting user's email (app.user_email), NULL when unset or
-- empty. Set by the function that sets the context, from the same users row it checks, so the
-- invitee policy on invitations compares an invitation's address with the caller's without
-- looking into tenantd.users (policies contain no subqueries). It is exactly as trusted as
-- app.user_id, which the same function sets.
create or replace function tenantd.current_user_email() returns text
language sql stable parallel safe
as $$ select nullif(pg_catalog.current_setting('app.user_email', true), '') $$;

revoke all on function tenantd.current_user_email() from public;
grant execute on function tenantd.current_user_email() to tenantd_app, tenantd_readonly;
