-- tenantd.tg__stamp(): BEFORE INSERT OR UPDATE row trigger that owns the bookkeeping columns,
-- so no caller can forge them: on insert created_at = updated_at = now() and
-- created_by = updated_by = the context user; on update created_* keep their old values and
-- updated_* are set again. Generic (hence tg__stamp, no table in the name): it goes through
-- jsonb_populate_record, which ignores keys the table lacks, so tables with only some of these
-- columns (sessions has created_at alone) share it.
create or replace function tenantd.tg__stamp() returns trigger
language plpgsql volatile
as $$
declare
  v_user uuid := tenantd.current_user_id();
begin
  if tg_op = 'INSERT' then
    new := jsonb_populate_record(new, jsonb_build_object(
      'created_at', now(), 'updated_at', now(), 'created_by', v_user, 'updated_by', v_user));
  else
    new := jsonb_populate_record(new, jsonb_build_object(
      'created_at', to_jsonb(old) -> 'created_at', 'created_by', to_jsonb(old) -> 'created_by',
      'updated_at', now(), 'updated_by', v_user));
  end if;
  return new;
end
$$;

-- triggers never need EXECUTE at fire time; nobody calls this directly
revoke all on function tenantd.tg__stamp() from public;

create or replace trigger tg__stamp before insert or update on tenantd.plans
  for each row execute function tenantd.tg__stamp();
create or replace trigger tg__stamp before insert or update on tenantd.tenants
  for each row execute function tenantd.tg__stamp();
create or replace trigger tg__stamp before insert or update on tenantd.users
  for each row execute function tenantd.tg__stamp();
create or replace trigger tg__stamp before insert or update on tenantd.memberships
  for each row execute function tenantd.tg__stamp();
create or replace trigger tg__stamp before insert or update on tenantd.sessions
  for each row execute function tenantd.tg__stamp();
