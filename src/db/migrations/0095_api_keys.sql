-- API keys (issue 12): an account's admins mint keys an agent (MCP client) uses instead of a session. Only the
-- sha256 of the secret is stored; a key acts with its role, never above its creator's current role (checked in code).
-- Admins and owners read their account's keys (never the hash); every write goes through the server (service role).

create table api_keys (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  name text not null check (length(name) between 1 and 100),
  prefix text not null check (length(prefix) between 8 and 32),
  secret_hash text not null unique check (secret_hash ~ '^[0-9a-f]{64}$'),
  role text not null check (role in ('admin', 'member')),
  created_by uuid not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_keys_account_idx on api_keys (account_id, created_at desc);
-- Authentication looks a key up by its shown prefix, then compares the hash in constant time.
create index api_keys_prefix_idx on api_keys (prefix);

alter table api_keys enable row level security;

create policy api_keys_select on api_keys for select to authenticated
  using (app.is_member(account_id, 'admin'));

-- Default privileges (0001) would let anon read and authenticated write: keys are read by admins, written by the server.
revoke all on api_keys from anon, authenticated;
grant select (id, account_id, name, prefix, role, created_by, created_at, last_used_at, revoked_at)
  on api_keys to authenticated;
grant select, insert, update, delete on api_keys to service_role;
