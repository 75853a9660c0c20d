-- Commerce spine: orders, items, history, Stripe event inbox, refunds, invoices, reconciliation checkpoints.
-- Money is integer minor units (bigint) plus a lowercase ISO currency, as Stripe sends it.

create table orders (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id),
  buyer_user_id uuid references users (id) on delete set null,
  buyer_email text not null,
  offering_type text not null check (offering_type in ('print', 'artwork', 'credit_bundle')),
  currency char(3) not null check (currency ~ '^[a-z]{3}$'),
  subtotal bigint not null check (subtotal >= 0),
  discount bigint not null default 0 check (discount >= 0),
  shipping bigint not null default 0 check (shipping >= 0),
  tax bigint not null default 0 check (tax >= 0),
  tax_inclusive boolean not null default false,
  total bigint not null check (total >= 0),
  status text not null default 'pending' check (
    status in ('pending', 'paid', 'fulfilled', 'cancelled', 'expired', 'payment_failed', 'partially_refunded', 'refunded')
  ),
  stripe_checkout_session_id text unique,
  stripe_payment_intent_id text,
  stripe_charge_id text,
  receipt_url text,
  destination_account text,
  amount_refunded bigint not null default 0 check (amount_refunded >= 0 and amount_refunded <= total),
  paid_at timestamptz,
  metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Inclusive tax is already inside the item prices, so it is reported but not added again.
  constraint orders_total_parts check (
    total = subtotal - discount + shipping + case when tax_inclusive then 0 else tax end
  )
);
create index orders_account_idx on orders (account_id, created_at desc);
create index orders_buyer_idx on orders (buyer_user_id);
create index orders_pending_idx on orders (created_at) where status = 'pending';
create index orders_payment_intent_idx on orders (stripe_payment_intent_id);

create table order_items (
  id uuid primary key default gen_random_uuid(),
  order_id uuid not null references orders (id) on delete cascade,
  account_id uuid not null references accounts (id),
  position integer not null default 0,
  name text not null,
  options jsonb not null default '{}',
  unit_amount bigint not null check (unit_amount >= 0),
  quantity integer not null check (quantity > 0),
  line_total bigint not null,
  constraint order_items_line_total check (line_total = unit_amount * quantity)
);
create index order_items_order_idx on order_items (order_id, position);

create table order_events (
  id bigint generated always as identity primary key,
  order_id uuid not null references orders (id) on delete cascade,
  account_id uuid not null references accounts (id),
  from_status text,
  to_status text not null,
  actor text not null,
  actor_user_id uuid references users (id) on delete set null,
  reason text,
  stripe_event_id text,
  created_at timestamptz not null default clock_timestamp()
);
create index order_events_order_idx on order_events (order_id, id);

-- The webhook inbox: one row per Stripe event id makes delivery idempotent.
create table stripe_events (
  id text primary key,
  type text not null,
  account text,
  order_id uuid references orders (id) on delete set null,
  payload jsonb not null,
  status text not null default 'received' check (status in ('received', 'processed', 'ignored', 'parked', 'failed')),
  error text,
  received_at timestamptz not null default now(),
  processed_at timestamptz
);
create index stripe_events_parked_idx on stripe_events (order_id) where status = 'parked';

create table refunds (
  id uuid primary key default gen_random_uuid(),
  order_id uuid not null references orders (id) on delete cascade,
  account_id uuid not null references accounts (id),
  seq integer not null,
  amount bigint not null check (amount > 0),
  reason text,
  status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed', 'canceled', 'requires_action')),
  stripe_refund_id text unique,
  requested_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (order_id, seq)
);

create table invoice_counters (
  account_id uuid primary key references accounts (id),
  last_number integer not null default 0
);

create table invoices (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id),
  order_id uuid not null unique references orders (id) on delete cascade,
  number text not null,
  seller jsonb not null,
  buyer jsonb not null,
  lines jsonb not null,
  subtotal bigint not null,
  discount bigint not null default 0,
  shipping bigint not null default 0,
  tax bigint not null default 0,
  total bigint not null,
  currency char(3) not null,
  receipt_url text,
  access_token_hash text not null,
  issued_at timestamptz not null default now(),
  unique (account_id, number)
);

create table commerce_checkpoints (
  name text primary key,
  value bigint not null default 0,
  leased_until timestamptz,
  updated_at timestamptz not null default now()
);

alter table orders enable row level security;
alter table order_items enable row level security;
alter table order_events enable row level security;
alter table stripe_events enable row level security;
alter table refunds enable row level security;
alter table invoice_counters enable row level security;
alter table invoices enable row level security;
alter table commerce_checkpoints enable row level security;

-- Readers: the seller's members, the buyer, platform admins. Writes only happen server-side (service role).
create policy orders_select on orders for select to authenticated
  using (app.is_member(account_id, 'member') or buyer_user_id = app.current_user_id() or app.is_platform_admin());
create policy order_items_select on order_items for select to authenticated
  using (
    app.is_member(account_id, 'member') or app.is_platform_admin()
    or exists (select 1 from orders o where o.id = order_id and o.buyer_user_id = app.current_user_id())
  );
create policy order_events_select on order_events for select to authenticated
  using (
    app.is_member(account_id, 'member') or app.is_platform_admin()
    or exists (select 1 from orders o where o.id = order_id and o.buyer_user_id = app.current_user_id())
  );
create policy refunds_select on refunds for select to authenticated
  using (
    app.is_member(account_id, 'member') or app.is_platform_admin()
    or exists (select 1 from orders o where o.id = order_id and o.buyer_user_id = app.current_user_id())
  );
create policy invoices_select on invoices for select to authenticated
  using (
    app.is_member(account_id, 'member') or app.is_platform_admin()
    or exists (select 1 from orders o where o.id = order_id and o.buyer_user_id = app.current_user_id())
  );

grant select, insert, update, delete on orders, order_items, order_events, stripe_events, refunds, invoice_counters,
  invoices, commerce_checkpoints to service_role;
revoke all on orders, order_items, order_events, stripe_events, refunds, invoice_counters, invoices,
  commerce_checkpoints from anon;
revoke insert, update, delete on orders, order_items, order_events, refunds, invoices from authenticated;
grant select on orders, order_items, order_events, refunds, invoices to authenticated;
revoke all on stripe_events, invoice_counters, commerce_checkpoints from authenticated;
