-- Live assistant sessions (issue 13, decision 028): one row per WebSocket session, so every instance behind the load
-- balancer counts a user's open sessions the same way. A session ends when its socket closes, when it is renewed
-- (at most 15 minutes each), or lapses when its instance stops sending heartbeats (a crashed instance).
create table assistant_live_sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  assistant text not null check (assistant in ('patron', 'artist', 'studio')),
  account_id uuid references accounts (id) on delete cascade,
  conversation_id uuid references assistant_conversations (id) on delete set null,
  -- The session this one continues (renewal carries the conversation over).
  renewed_from uuid references assistant_live_sessions (id) on delete set null,
  started_at timestamptz not null,
  expires_at timestamptz not null,
  seen_at timestamptz not null,
  ended_at timestamptz,
  end_reason text check (end_reason in ('closed', 'renewed', 'server_stopped', 'refused')),
  check (expires_at > started_at),
  check ((ended_at is null) = (end_reason is null))
);
create index assistant_live_sessions_open_idx on assistant_live_sessions (user_id, seen_at) where ended_at is null;

alter table assistant_live_sessions enable row level security;
revoke all on assistant_live_sessions from anon;
-- Only their owner opens, renews and closes their sessions; heartbeats of an instance's sockets are system work.
create policy assistant_live_sessions_own on assistant_live_sessions for all to authenticated
  using (user_id = (select app.current_user_id()))
  with check (user_id = (select app.current_user_id()));
