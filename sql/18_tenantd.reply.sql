-- tenantd.reply(status, body, headers): builds the value every endpoint function returns (the
-- type is in migrations/0042_reply_type.sql). Inlinable SQL, so it costs nothing per call.
create or replace function tenantd.reply(p_status int, p_body json default null, p_headers json default null)
returns tenantd.reply
language sql immutable parallel safe
as $$ select row(p_status, p_body, p_headers)::tenantd.reply $$;

revoke all on function tenantd.reply(int, json, json) from public;
grant execute on function tenantd.reply(int, json, json) to tenantd_app, tenantd_readonly;
