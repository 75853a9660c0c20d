-- A signed-in user may edit their own row (name), but privilege and credential columns change only through the
-- server (service role) or a platform admin: RLS limits rows, not columns, so a trigger guards the columns.
create or replace function app.guard_user_update() returns trigger
language plpgsql as $$
begin
  if current_user in ('authenticated', 'anon') and not app.is_platform_admin() and (
    new.is_platform_admin is distinct from old.is_platform_admin
    or new.suspended_at is distinct from old.suspended_at
    or new.password_hash is distinct from old.password_hash
    or new.email is distinct from old.email
  ) then
    raise exception 'only the server or a platform admin may change this user field' using errcode = '42501';
  end if;
  return new;
end
$$;

create trigger users_guard_update before update on users
  for each row execute function app.guard_user_update();
