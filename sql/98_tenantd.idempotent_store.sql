-- tenantd.idempotent_store(ctx, reply): the last step of an endpoint function whose route
-- honours Idempotency-Key: records the answer under the key tenantd.idempotent_replay claimed,
-- in the transaction of the effect (both commit or neither does), and returns it unchanged.
-- A no-op without a key.
create or replace function tenantd.idempotent_store(ctx jsonb, p_reply tenantd.reply) returns tenantd.reply
language plpgsql volatile
set search_path = pg_catalog, tenantd, pg_temp
as $$
declare
  v_idem jsonb := ctx -> 'idempotency';
begin
  if v_idem is not null then
    perform tenantd.idempotency_finish(
      (v_idem ->> 'scope') || '|tenant:' || coalesce(tenantd.current_tenant_id()::text, ''),
      v_idem ->> 'key', (p_reply).status, (p_reply).body::text);
  end if;
  return p_reply;
end
$$;

revoke all on function tenantd.idempotent_store(jsonb, tenantd.reply) from public;
grant execute on function tenantd.idempotent_store(jsonb, tenantd.reply) to tenantd_app;
