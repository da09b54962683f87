-- tenantd.tg_users__protect_columns(): users may update their own row (policies/users.sql),
-- but a disabled account must not re-enable itself and ids never change. Only a super admin
-- (or a member of tenantd_owner: migrations, DBAs) may change those.
create or replace function tenantd.tg_users__protect_columns() returns trigger
language plpgsql volatile
as $$
begin
  if tenantd.is_super_admin() or pg_has_role(current_user, 'tenantd_owner', 'member') then
    return new;
  end if;
  if (new.id, new.disabled) is distinct from (old.id, old.disabled) then
    raise exception using
      errcode = 'TD403',
      message = 'only a super admin may disable or enable a user';
  end if;
  return new;
end
$$;

revoke all on function tenantd.tg_users__protect_columns() from public;

create or replace trigger tg_users__protect_columns before update on tenantd.users
  for each row execute function tenantd.tg_users__protect_columns();
