-- api.create_invitations_bulk(ctx, entries): POST /v1/invitations/bulk, up to 1,000 invitations
-- in one transaction, each entry on its own (tenantd.create_invitations_bulk: a failed entry is
-- rolled back to its savepoint and reported, the others are kept).
--
-- entries: the request's entries in order, as the service checked them: {"index": n, "email",
-- "role", "expires_in_days"} for a well-formed entry, or {"index": n, "status", "code",
-- "detail"} for one the service refused by its shape (answered as it is). Each well-formed
-- entry gets a fresh token here (tenantd.new_invitation_token; only its SHA-256 is stored).
--
-- Answers 200 {"results": [...], "created": n, "failed": m}, one result per entry in input
-- order: {"index", "status": 201, "invitation": {…, "token"}} or the refusal. An entry that
-- failed in SQL is {"index", "sqlstate", "detail"}: the service maps the SQLSTATE to its status
-- and problem code with the one problem table (src/http/problem_table.cpp), so no second
-- mapping lives here. The copy kept for an Idempotency-Key replay has "token": null.
-- Errors for the whole request: those of tenantd.create_invitations_bulk (TD403 without
-- invitations:write, also when every entry failed its shape check; TDV06 over 1,000 entries).
create or replace function api.create_invitations_bulk(ctx jsonb, p_entries jsonb) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_replay tenantd.reply;
  v_entry jsonb;
  v_in jsonb := '[]'::jsonb;
  v_tokens jsonb := '{}'::jsonb;  -- index -> token
  v_done jsonb := '{}'::jsonb;  -- index -> [result with token, result without] as json text
  v_row record;
  v_token text;
  v_shown json;
  v_kept json;
  v_with json[] := '{}';
  v_without json[] := '{}';
  v_created int := 0;
  v_headers json := json_build_object('Cache-Control', 'no-store');
begin
  perform tenantd.enter(ctx);
  v_replay := tenantd.idempotent_replay(ctx);
  if v_replay is not null then
    return v_replay;
  end if;
  if p_entries is null or jsonb_typeof(p_entries) <> 'array' then
    raise exception using errcode = 'TD422', message = 'invitations must be an array';
  end if;

  for v_entry in select e.value from jsonb_array_elements(p_entries) as e (value) loop
    continue when v_entry ? 'code';
    v_token := tenantd.new_invitation_token();
    v_tokens := v_tokens || jsonb_build_object(v_entry ->> 'index', v_token);
    v_in := v_in || jsonb_build_array(jsonb_build_object(
      'index', v_entry -> 'index', 'email', v_entry -> 'email', 'role', v_entry -> 'role',
      'expires_in_days', v_entry -> 'expires_in_days',
      'token_hash', encode(pg_catalog.sha256(pg_catalog.convert_to(v_token, 'UTF8')), 'hex')));
  end loop;

  -- Even with nothing well-formed: the call still checks the permission, so a caller without
  -- invitations:write gets 403 rather than a list of 400s.
  for v_row in select b.*, v_tokens ->> b.idx::text as token
                 from tenantd.create_invitations_bulk(v_in) b loop
    if v_row.error_state is null then
      v_shown := (select row_to_json(x) from (select v_row.idx as index, 201 as status,
        tenantd.invitation_json_with(v_row.id, v_row.email, v_row.role, v_row.status, v_row.expires_at,
                                     v_row.created_at, v_row.invited_by, v_row.token, false) as invitation) x);
      v_kept := (select row_to_json(x) from (select v_row.idx as index, 201 as status,
        tenantd.invitation_json_with(v_row.id, v_row.email, v_row.role, v_row.status, v_row.expires_at,
                                     v_row.created_at, v_row.invited_by, null, false) as invitation) x);
    else
      v_shown := (select row_to_json(x) from (select v_row.idx as index, v_row.error_state as sqlstate,
                                                     split_part(v_row.error_message, E'\n', 1) as detail) x);
      v_kept := v_shown;
    end if;
    v_done := v_done || jsonb_build_object(v_row.idx::text, jsonb_build_array(v_shown::text, v_kept::text));
  end loop;

  for v_entry in select e.value from jsonb_array_elements(p_entries) as e (value) loop
    if v_done ? (v_entry ->> 'index') then
      v_with := v_with || ((v_done -> (v_entry ->> 'index')) ->> 0)::json;
      v_without := v_without || ((v_done -> (v_entry ->> 'index')) ->> 1)::json;
      if ((v_done -> (v_entry ->> 'index')) ->> 0)::jsonb ? 'invitation' then
        v_created := v_created + 1;
      end if;
    else
      v_shown := (select row_to_json(x) from (select (v_entry ->> 'index')::int as index,
                                                     (v_entry ->> 'status')::int as status,
                                                     v_entry ->> 'code' as code, v_entry ->> 'detail' as detail) x);
      v_with := v_with || v_shown;
      v_without := v_without || v_shown;
    end if;
  end loop;

  perform tenantd.idempotent_store(ctx, tenantd.reply(200, (select row_to_json(x)
    from (select array_to_json(v_without) as results, v_created as created,
                 coalesce(array_length(v_without, 1), 0) - v_created as failed) x), v_headers));
  return tenantd.reply(200, (select row_to_json(x)
    from (select array_to_json(v_with) as results, v_created as created,
                 coalesce(array_length(v_with, 1), 0) - v_created as failed) x), v_headers);
end
$$;

revoke all on function api.create_invitations_bulk(jsonb, jsonb) from public;
grant execute on function api.create_invitations_bulk(jsonb, jsonb) to tenantd_app;
