-- Foundation: Supabase-style roles, claim helpers, users, accounts (tenants), memberships, sessions.
-- Runs unchanged on PGlite, plain Postgres 15+ and Supabase (where the roles already exist).

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then create role anon nologin noinherit; end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then create role authenticated nologin noinherit; end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then create role service_role nologin noinherit bypassrls; end if;
end $$;

-- pgvector powers artwork recommendations where available (PGlite ships it; plain Postgres may not).
do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'vector') then
    create extension if not exists vector;
  end if;
end $$;

create schema if not exists app;
grant usage on schema app to anon, authenticated, service_role;
grant usage on schema public to anon, authenticated, service_role;

-- Claims are set per transaction by withUser(); missing_ok so anonymous sessions read null.
create or replace function app.claims() returns jsonb language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb
$$;

create or replace function app.current_user_id() returns uuid language sql stable as $$
  select nullif(app.claims() ->> 'sub', '')::uuid
$$;

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null check (email = lower(email) and length(email) between 3 and 254),
  name text not null check (length(name) between 1 and 100),
  password_hash text not null,
  is_platform_admin boolean not null default false,
  suspended_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_email_key on users (lower(email));

create table accounts (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 60),
  name text not null check (length(name) between 1 and 100),
  kind text not null check (kind in ('studio', 'artist', 'provider', 'organization')),
  suspended_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table memberships (
  account_id uuid not null references accounts (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  role text not null check (role in ('owner', 'admin', 'member')),
  created_at timestamptz not null default now(),
  primary key (account_id, user_id)
);
create index memberships_user_idx on memberships (user_id);

create table invitations (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  email text not null,
  role text not null check (role in ('admin', 'member')),
  token_hash text not null unique,
  invited_by uuid not null references users (id),
  expires_at timestamptz not null,
  accepted_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now()
);
create index invitations_account_idx on invitations (account_id);

create table sessions (
  id uuid primary key default gen_random_uuid(),
  token_hash text not null unique,
  user_id uuid not null references users (id) on delete cascade,
  expires_at timestamptz not null,
  user_agent text,
  ip text,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);
create index sessions_user_idx on sessions (user_id);

create table password_resets (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  token_hash text not null unique,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);

create table rate_limits (
  key text primary key,
  window_start timestamptz not null,
  hits integer not null
);

-- Role rank so "at least admin" is a comparison; security definer avoids RLS recursion on memberships.
create or replace function app.role_rank(r text) returns int language sql immutable as $$
  select case r when 'owner' then 3 when 'admin' then 2 when 'member' then 1 else 0 end
$$;

create or replace function app.is_platform_admin() returns boolean
language sql stable security definer set search_path = public, pg_temp as $$
  select coalesce((select u.is_platform_admin and u.suspended_at is null from users u where u.id = app.current_user_id()), false)
$$;

create or replace function app.is_member(account uuid, min_role text default 'member') returns boolean
language sql stable security definer set search_path = public, pg_temp as $$
  select exists (
    select 1 from memberships m
    join users u on u.id = m.user_id and u.suspended_at is null
    where m.account_id = account and m.user_id = app.current_user_id()
      and app.role_rank(m.role) >= app.role_rank(min_role)
  )
$$;

create or replace function app.shares_account(other uuid) returns boolean
language sql stable security definer set search_path = public, pg_temp as $$
  select exists (
    select 1 from memberships a join memberships b on a.account_id = b.account_id
    where a.user_id = app.current_user_id() and b.user_id = other
  )
$$;

grant execute on all functions in schema app to anon, authenticated, service_role;

alter table users enable row level security;
alter table accounts enable row level security;
alter table memberships enable row level security;
alter table invitations enable row level security;
alter table sessions enable row level security;
alter table password_resets enable row level security;
alter table rate_limits enable row level security;

-- Users see themselves, people they share an account with, and (platform admins) everyone.
create policy users_select on users for select to authenticated
  using (id = app.current_user_id() or app.shares_account(id) or app.is_platform_admin());
create policy users_update on users for update to authenticated
  using (id = app.current_user_id() or app.is_platform_admin());

create policy accounts_select on accounts for select to authenticated
  using (app.is_member(id) or app.is_platform_admin());
create policy accounts_update on accounts for update to authenticated
  using (app.is_member(id, 'admin') or app.is_platform_admin());

create policy memberships_select on memberships for select to authenticated
  using (app.is_member(account_id) or app.is_platform_admin());
create policy memberships_write on memberships for all to authenticated
  using (app.is_member(account_id, 'admin')) with check (app.is_member(account_id, 'admin'));

create policy invitations_select on invitations for select to authenticated
  using (app.is_member(account_id, 'admin') or app.is_platform_admin());
create policy invitations_write on invitations for all to authenticated
  using (app.is_member(account_id, 'admin')) with check (app.is_member(account_id, 'admin'));

-- Sessions, resets and rate limits are server bookkeeping: service_role only (no policies for others).

grant select, insert, update, delete on all tables in schema public to authenticated, service_role;
grant select on all tables in schema public to anon;
alter default privileges in schema public grant select, insert, update, delete on tables to authenticated, service_role;
alter default privileges in schema public grant select on tables to anon;
alter default privileges in schema public grant usage, select on sequences to authenticated, service_role;
