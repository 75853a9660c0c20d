-- AI assistants (decision 028): conversations per user (a guest's per browser session), their messages, and the
-- model usage every reply costs.

create table assistant_conversations (
  id uuid primary key default gen_random_uuid(),
  assistant text not null check (assistant in ('patron', 'artist', 'studio')),
  -- A signed-in user's, or a guest's: the hash of their browser's assistant cookie (never both).
  user_id uuid references users (id) on delete cascade,
  guest_key text check (guest_key ~ '^[0-9a-f]{64}$'),
  -- The account an artist or studio assistant works for (null for the patron assistant).
  account_id uuid references accounts (id) on delete cascade,
  title text not null default 'New conversation' check (char_length(title) between 1 and 120),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((user_id is null) <> (guest_key is null))
);
create index assistant_conversations_user_idx on assistant_conversations (user_id, updated_at desc);
create index assistant_conversations_guest_idx on assistant_conversations (guest_key, updated_at desc);

-- The conversation as the browser shows it: AI SDK UI messages (text and tool-call parts), in order.
create table assistant_messages (
  conversation_id uuid not null references assistant_conversations (id) on delete cascade,
  position integer not null check (position >= 0),
  id text not null,
  role text not null check (role in ('user', 'assistant')),
  parts jsonb not null check (jsonb_typeof(parts) = 'array'),
  created_at timestamptz not null default now(),
  primary key (conversation_id, position)
);

-- Append-only: one row per model call, for the admins' usage table and per-day totals.
create table assistant_usage (
  id bigint generated always as identity primary key,
  user_id uuid references users (id) on delete set null,
  account_id uuid references accounts (id) on delete set null,
  guest boolean not null default false,
  assistant text not null check (assistant in ('patron', 'artist', 'studio')),
  model text not null,
  input_tokens integer not null default 0 check (input_tokens >= 0),
  output_tokens integer not null default 0 check (output_tokens >= 0),
  created_at timestamptz not null default now()
);
create index assistant_usage_created_idx on assistant_usage (created_at desc);

alter table assistant_conversations enable row level security;
alter table assistant_messages enable row level security;
alter table assistant_usage enable row level security;
revoke all on assistant_conversations, assistant_messages, assistant_usage from anon;

-- Only their owner reads or changes a conversation (guests' are kept by the server, as service role).
create policy assistant_conversations_own on assistant_conversations for all to authenticated
  using (user_id = (select app.current_user_id()))
  with check (user_id = (select app.current_user_id()));
create policy assistant_messages_own on assistant_messages for all to authenticated
  using (exists (select 1 from assistant_conversations c where c.id = conversation_id))
  with check (exists (select 1 from assistant_conversations c where c.id = conversation_id));

-- Usage: a user reads their own, platform admins all; only the server writes it.
create policy assistant_usage_read on assistant_usage for select to authenticated
  using (user_id = (select app.current_user_id()) or (select app.is_platform_admin()));
revoke insert, update, delete on assistant_usage from authenticated;
