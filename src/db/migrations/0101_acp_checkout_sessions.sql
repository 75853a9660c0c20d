-- Agentic Commerce Protocol checkout sessions: the cart an agent platform builds for its buyer, before there is an
-- order. The session holds only what the agent sent (items, buyer, address, chosen option); prices, availability
-- and totals are computed from the catalog on every response, so an agent never sees a stale price. Completing it
-- creates a normal order (orders.id) paid through the commerce core. Written and read by the server only.

create table acp_checkout_sessions (
  id text primary key check (id ~ '^cs_[A-Za-z0-9]{16,40}$'),
  platform_id uuid not null references agent_platforms (id),
  status text not null check (status in ('not_ready_for_payment', 'ready_for_payment', 'in_progress', 'completed', 'canceled')),
  currency text not null check (currency ~ '^[a-z]{3}$'),
  items jsonb not null check (jsonb_typeof(items) = 'array'),
  buyer jsonb,
  fulfillment_details jsonb,
  selected_fulfillment_options jsonb,
  order_id uuid references orders (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  expires_at timestamptz not null,
  check ((status = 'completed') = (order_id is not null))
);
create index acp_checkout_sessions_platform_idx on acp_checkout_sessions (platform_id, created_at desc);
create unique index acp_checkout_sessions_order_idx on acp_checkout_sessions (order_id) where order_id is not null;

alter table acp_checkout_sessions enable row level security;
revoke all on acp_checkout_sessions from anon, authenticated;
grant select, insert, update, delete on acp_checkout_sessions to service_role;

-- Which channel an order came through, for lists and analytics: the web app, an MCP key, or an ACP agent platform.
alter table orders add column channel text not null default 'web' check (channel in ('web', 'mcp', 'acp'));
alter table orders add column agent_platform_id uuid references agent_platforms (id);
