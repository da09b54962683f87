-- api.create_invitations_bulk(entries): up to 1,000 invitations in one transaction, each entry
-- on its own: an entry that fails (already a member, unknown role, bad email…) is rolled back
-- to its savepoint (the plpgsql exception block) and reported, and the others are kept. That
-- is what a caller importing a list expects: fix the failed lines and send them again.
--
-- p_entries: a JSON array of {"index": n, "email": …, "role": …, "expires_in_days": n,
-- "token_hash": "<64 hex digits>"} (the C++ layer has checked each entry's shape and made its
-- token). One row per entry, in input order: the invitation, or error_state (SQLSTATE) and
-- error_message (the procedure's client-safe text) for an entry that failed.
--
-- Refused as a whole (nothing created): no tenant context (TD400), caller lacks
-- invitations:write (TD403), not an array or more than 1,000 entries (TD422). Errors other
-- than our own (TD…), data (22…) and constraint (23…) errors are not per-entry problems
-- (serialisation failures, lost connections): they abort the whole request.
--
-- Security invoker, like api.create_invitation, which it calls for each entry.
create or replace function api.create_invitations_bulk(p_entries jsonb)
returns table (idx int, id uuid, email text, role text, status text, expires_at timestamptz,
               created_at timestamptz, invited_by uuid, error_state text, error_message text)
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
#variable_conflict use_column
declare
  v_entry jsonb;
  v_idx int;
  v_row record;
  v_state text;
  v_message text;
begin
  if tenantd.current_tenant_id() is null then
    raise exception using errcode = 'TD400', message = 'no tenant context';
  end if;
  if not tenantd.has_permission('invitations:write') then
    raise exception using errcode = 'TD403',
      message = 'inviting needs the invitations:write permission';
  end if;
  if p_entries is null or jsonb_typeof(p_entries) <> 'array' then
    raise exception using errcode = 'TD422', message = 'invitations must be an array';
  end if;
  if jsonb_array_length(p_entries) > 1000 then
    raise exception using errcode = 'TDV06',
      message = 'at most 1000 invitations per request';
  end if;

  for v_entry in select e.value from jsonb_array_elements(p_entries) as e (value) loop
    v_idx := (v_entry ->> 'index')::int;
    begin
      select c.* into v_row
        from api.create_invitation(v_entry ->> 'email', v_entry ->> 'role',
                                   (v_entry ->> 'expires_in_days')::int,
                                   decode(v_entry ->> 'token_hash', 'hex')) c;
      return query select v_idx, v_row.id, v_row.email, v_row.role, v_row.status,
                          v_row.expires_at, v_row.created_at, v_row.invited_by,
                          null::text, null::text;
    exception when others then
      get stacked diagnostics v_state = returned_sqlstate, v_message = message_text;
      if v_state !~ '^(TD|22|23)' then
        raise;
      end if;
      return query select v_idx, null::uuid, v_entry ->> 'email', v_entry ->> 'role', null::text,
                          null::timestamptz, null::timestamptz, null::uuid, v_state, v_message;
    end;
  end loop;
end
$$;

revoke all on function api.create_invitations_bulk(jsonb) from public;
grant execute on function api.create_invitations_bulk(jsonb) to tenantd_app;
