-- Emailed one-time links that sign a user in (sign-up confirmation, lockout sign-in link), and the users who signed
-- up but have not confirmed their address yet. Only the server (service role) touches these tables.

create table email_links (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  purpose text not null check (purpose in ('confirm_email', 'sign_in')),
  token_hash text not null unique,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index email_links_open_idx on email_links (user_id, purpose) where used_at is null;

-- A row here means the address is unproven: password sign-in waits until a link from that inbox is opened.
create table unconfirmed_users (
  user_id uuid primary key references users (id) on delete cascade,
  created_at timestamptz not null default now()
);

-- Issuing a reset link spends the user's older open ones.
create index password_resets_open_idx on password_resets (user_id) where used_at is null;

alter table email_links enable row level security;
alter table unconfirmed_users enable row level security;
revoke all on email_links, unconfirmed_users from anon, authenticated;
grant select, insert, update, delete on email_links, unconfirmed_users to service_role;
