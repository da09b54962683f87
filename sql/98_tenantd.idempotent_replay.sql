-- tenantd.idempotent_replay(ctx): the first step of an endpoint function whose route honours
-- Idempotency-Key (route table option). NULL when the request carries no key or the key is new
-- (the record is then claimed, in this transaction); otherwise the stored answer with
-- Idempotent-Replayed: true. The scope is the one the dispatcher sent (principal or client
-- address) plus the tenant tenantd.enter resolved, so a super admin's one key in two tenants
-- is two keys. Must run after tenantd.enter. Security invoker: idempotency_begin is the one
-- definer step (the records are not readable by the app role).
create or replace function tenantd.idempotent_replay(ctx jsonb) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_idem jsonb := ctx -> 'idempotency';
  v_row record;
begin
  if v_idem is null then
    return null;
  end if;
  select * into v_row
    from tenantd.idempotency_begin(
           (v_idem ->> 'scope') || '|tenant:' || coalesce(tenantd.current_tenant_id()::text, ''),
           v_idem ->> 'key', v_idem ->> 'fingerprint', coalesce((v_idem ->> 'ttl_seconds')::int, 86400));
  if v_row.state <> 'replay' then
    return null;
  end if;
  return tenantd.reply(v_row.response_status, v_row.response_body::json,
                       json_build_object('Idempotent-Replayed', 'true'));
end
$$;

revoke all on function tenantd.idempotent_replay(jsonb) from public;
grant execute on function tenantd.idempotent_replay(jsonb) to tenantd_app;
