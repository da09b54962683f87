-- Invitations, login, sign-up and webhook receipt on the one-statement pipe (issue 9): the
-- former api.* procedures are tenantd.* now (sql/80–84), called by endpoint functions
-- api.*(ctx, …) that return tenantd.reply. An api.* name has one signature (the dispatcher's
-- calls leave parameter types to PostgreSQL), so the old signatures go before sql/ defines
-- the new ones.
drop function if exists api.create_invitation(text, text, int, bytea);
drop function if exists api.list_invitations(text, timestamptz, uuid, int);
drop function if exists api.revoke_invitation(uuid);
drop function if exists api.create_invitations_bulk(jsonb);
drop function if exists api.accept_invitation(bytea, text, text, int);
drop function if exists api.check_invitation_token(bytea);
drop function if exists api.auth_login_begin(text, text);
drop function if exists api.auth_login_complete(uuid, uuid, text, bytea, int);
drop function if exists api.auth_login_complete(uuid, uuid, bytea, int);
drop function if exists api.auth_refresh(uuid, bytea, bytea, int);
drop function if exists api.auth_logout(uuid, bytea);
drop function if exists api.signup(text, text, text, text, text, text, bytea, bytea);
drop function if exists api.signup_rate_hit(text, integer);

-- The worker role calls api.receive_webhook_event (webhook receipt runs on its connections).
grant usage on schema api to tenantd_worker;
