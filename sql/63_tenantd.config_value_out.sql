-- tenantd.config_value_out(type, value): a configuration value as the API answers it before the
-- service opens it. A sealed secret gets, in the same statement, what the service needs to open
-- it: the tenant the request acts in ("tenant", from the context, never from the row) and the
-- wrapped data key named by its "kid" ("kek", "wk"), read under the caller's policies. No key
-- in this tenant (a ciphertext copied from elsewhere) leaves them null: the service then
-- answers secret_undecryptable. Other values are returned as they are.
-- plpgsql, not SQL: Citus cannot plan a parameterised SQL function over a distributed table
-- (api.put_config answers through it), and a plain value needs no query at all.
create or replace function tenantd.config_value_out(p_type text, p_value jsonb) returns jsonb
language plpgsql stable
set search_path = pg_catalog, pg_temp
as $$
declare
  v_kek text;
  v_wk text;
begin
  if not (tenantd.is_secret_config_type(p_type) and tenantd.is_sealed_value(p_value)) then
    return p_value;
  end if;
  select k.kek_id, k.wrapped_key into v_kek, v_wk
    from tenantd.tenant_data_keys k
   where k.tenant_id = tenantd.current_tenant_id()
     and k.id = tenantd.parse_uuid(p_value ->> 'kid');
  return p_value || jsonb_build_object('tenant', tenantd.current_tenant_id(), 'kek', v_kek, 'wk', v_wk);
end
$$;

revoke all on function tenantd.config_value_out(text, jsonb) from public;
grant execute on function tenantd.config_value_out(text, jsonb) to tenantd_app, tenantd_readonly;
