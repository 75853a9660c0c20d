-- Agent platforms (Agentic Commerce Protocol, decision 025): an agent platform such as ChatGPT calls our ACP
-- endpoints with `Authorization: Bearer gacp_…` and receives signed order events at its webhook URL. Only the sha256
-- of the bearer token is stored. The webhook secret is stored as is (we sign with it); no role but the server reads it.
-- Platform admins register, list and revoke platforms under their own RLS; anon gets nothing.

create table agent_platforms (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 100),
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  token_prefix text not null check (length(token_prefix) between 8 and 32),
  webhook_url text check (webhook_url is null or (length(webhook_url) <= 2000 and webhook_url ~ '^https?://')),
  webhook_secret text check (webhook_secret is null or length(webhook_secret) between 16 and 200),
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  last_used_at timestamptz,
  -- A URL without a secret could only send unsigned events, which receivers must refuse.
  check (webhook_url is null or webhook_secret is not null)
);
create index agent_platforms_created_idx on agent_platforms (created_at desc);

create table agent_webhook_deliveries (
  id uuid primary key default gen_random_uuid(),
  platform_id uuid not null references agent_platforms (id) on delete cascade,
  event_type text not null check (event_type in ('order_create', 'order_update')),
  -- Our order (orders.id) when the ACP order is one of ours; no foreign key, so the trail outlives what it describes.
  order_id uuid,
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  last_error text,
  created_at timestamptz not null default now(),
  delivered_at timestamptz
);
create index agent_webhook_deliveries_platform_idx on agent_webhook_deliveries (platform_id, created_at desc);
create index agent_webhook_deliveries_order_idx on agent_webhook_deliveries (order_id) where order_id is not null;

alter table agent_platforms enable row level security;
alter table agent_webhook_deliveries enable row level security;

-- Platform admins only; the helper runs once per query as an InitPlan (migration 0098).
create policy agent_platforms_admin on agent_platforms for all to authenticated
  using ((select app.is_platform_admin()))
  with check ((select app.is_platform_admin()));
create policy agent_webhook_deliveries_admin on agent_webhook_deliveries for all to authenticated
  using ((select app.is_platform_admin()))
  with check ((select app.is_platform_admin()));

-- Default privileges (0001) would let anon read and authenticated write everything. Admins never read the token hash
-- or the webhook secret back (they write them once); last_used_at and deliveries are the server's to write.
revoke all on agent_platforms, agent_webhook_deliveries from anon, authenticated;
grant select (id, name, token_prefix, webhook_url, created_by, created_at, revoked_at, last_used_at)
  on agent_platforms to authenticated;
grant insert (name, token_hash, token_prefix, webhook_url, webhook_secret, created_by) on agent_platforms to authenticated;
grant update (name, webhook_url, webhook_secret, revoked_at) on agent_platforms to authenticated;
grant select on agent_webhook_deliveries to authenticated;
grant select, insert, update, delete on agent_platforms, agent_webhook_deliveries to service_role;
