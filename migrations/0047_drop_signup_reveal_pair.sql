-- The sign-up token reveal became one definer step, tenantd.reveal_signup_token (sql/85), called
-- by the public status endpoint api.tenant_status in the same statement. The former pair
-- (read the nonce, compute the HMAC in the service, reveal) is gone; so is each function's
-- SECURITY DEFINER in schema api, which tenantd.rls_audit() now reports.
drop function if exists api.signup_invitation_nonce(uuid);
drop function if exists api.reveal_signup_invitation(uuid, bytea);
