-- Marketplace money after checkout: reservations, one sale per paid artwork order, refunds (append-only),
-- shipments and certificates, payouts on connected accounts.

-- A reservation holds an original for one open Checkout Session; the session's expiry releases it.
alter table artworks add column shipping_amount bigint not null default 0 check (shipping_amount >= 0);
alter table artworks add column reserved_order_id uuid references orders (id) on delete set null;
alter table artworks add column reserved_until timestamptz;
alter table artworks add column editions_sold integer not null default 0 check (editions_sold >= 0);

-- Platform-wide marketplace settings (one row); per-artist overrides live on artist_profiles.fee_bps.
create table marketplace_settings (
  id boolean primary key default true check (id),
  fee_bps integer not null default 5000 check (fee_bps between 0 and 10000),
  return_window_days integer not null default 7 check (return_window_days between 0 and 90),
  updated_at timestamptz not null default now()
);
insert into marketplace_settings (id) values (true) on conflict do nothing;

create table marketplace_payouts (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  stripe_account_id text not null,
  stripe_payout_id text not null unique,
  amount bigint not null check (amount >= 0),
  currency char(3) not null check (currency ~ '^[a-z]{3}$'),
  status text not null check (status in ('pending', 'in_transit', 'paid', 'failed', 'canceled')),
  arrival_date timestamptz,
  failure_code text,
  failure_message text,
  -- Created time of the newest event applied; an older event never overwrites newer state.
  stripe_state_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index marketplace_payouts_account_idx on marketplace_payouts (account_id, created_at desc);

create table marketplace_sales (
  id uuid primary key default gen_random_uuid(),
  order_id uuid not null unique references orders (id),
  account_id uuid not null references accounts (id) on delete cascade,
  artwork_id uuid not null references artworks (id),
  buyer_user_id uuid references users (id) on delete set null,
  buyer_email text not null,
  buyer_name text,
  currency char(3) not null check (currency ~ '^[a-z]{3}$'),
  -- amount = what the buyer paid (price + shipping); platform_fee + artist_amount = amount, always.
  price_amount bigint not null check (price_amount >= 0),
  shipping_amount bigint not null default 0 check (shipping_amount >= 0),
  amount bigint not null check (amount > 0),
  platform_fee bigint not null check (platform_fee >= 0),
  artist_amount bigint not null check (artist_amount >= 0),
  fee_bps integer not null check (fee_bps between 0 and 10000),
  -- Stripe's processing fee from the charge's balance transaction; null until read.
  stripe_fee bigint check (stripe_fee is null or stripe_fee >= 0),
  status text not null default 'paid'
    check (status in ('paid', 'shipped', 'delivered', 'partially_refunded', 'refunded', 'duplicate_refunded')),
  amount_refunded bigint not null default 0 check (amount_refunded >= 0 and amount_refunded <= amount),
  stripe_payment_intent_id text,
  stripe_charge_id text,
  stripe_transfer_id text,
  carrier text check (carrier is null or length(carrier) <= 100),
  tracking_number text check (tracking_number is null or length(tracking_number) <= 100),
  tracking_url text check (tracking_url is null or length(tracking_url) <= 500),
  shipping_address jsonb,
  shipped_at timestamptz,
  delivered_at timestamptz,
  -- Payouts include the sale only after this moment (delivery + the platform's return window).
  return_window_ends_at timestamptz,
  certificate_number text unique,
  payout_id uuid references marketplace_payouts (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (platform_fee + artist_amount = amount)
);
create index marketplace_sales_account_idx on marketplace_sales (account_id, created_at desc);
create index marketplace_sales_artwork_idx on marketplace_sales (artwork_id);
create index marketplace_sales_created_idx on marketplace_sales (created_at);

-- Append-only: each refund and how it was split between the platform and the artist.
create table marketplace_refunds (
  id uuid primary key default gen_random_uuid(),
  sale_id uuid not null references marketplace_sales (id) on delete cascade,
  account_id uuid not null references accounts (id) on delete cascade,
  amount bigint not null check (amount > 0),
  fee_refunded bigint not null check (fee_refunded >= 0),
  transfer_reversed bigint not null check (transfer_reversed >= 0),
  -- What the artist's balance could not cover; recovered from later payouts.
  amount_owed bigint not null default 0 check (amount_owed >= 0),
  reason text,
  stripe_refund_id text unique,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now()
);
create index marketplace_refunds_sale_idx on marketplace_refunds (sale_id);

alter table marketplace_settings enable row level security;
alter table marketplace_payouts enable row level security;
alter table marketplace_sales enable row level security;
alter table marketplace_refunds enable row level security;

create policy marketplace_settings_select on marketplace_settings for select to authenticated using (true);
create policy marketplace_payouts_select on marketplace_payouts for select to authenticated
  using (app.is_member(account_id) or app.is_platform_admin());
create policy marketplace_sales_select on marketplace_sales for select to authenticated
  using (app.is_member(account_id) or app.is_platform_admin());
create policy marketplace_refunds_select on marketplace_refunds for select to authenticated
  using (app.is_member(account_id) or app.is_platform_admin());

-- Money rows are written only by the server as service role.
revoke all on marketplace_settings, marketplace_payouts, marketplace_sales, marketplace_refunds from anon;
revoke insert, update, delete on marketplace_settings, marketplace_payouts, marketplace_sales, marketplace_refunds
  from authenticated;
grant select on marketplace_settings, marketplace_payouts, marketplace_sales, marketplace_refunds to authenticated;
grant select, insert, update, delete on marketplace_settings, marketplace_payouts, marketplace_sales,
  marketplace_refunds to service_role;
