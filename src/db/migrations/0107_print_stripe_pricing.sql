-- Print shop on Stripe Checkout's own pricing (issue 15, decision 030): two studio switches, and the Stripe TaxRate
-- each studio rate is shown with. Orders keep what was offered and what Stripe settled in their metadata
-- (`checkout_pricing`, `settled`), so no order column changes.
-- Idempotent: `add column if not exists`, `create table if not exists`, grants repeat harmlessly.

-- Off by default: a studio opts in from its settings page. Admins write them with the other settings (0098 policy).
alter table studio_settings add column if not exists stripe_promotion_codes boolean not null default false;
alter table studio_settings add column if not exists stripe_shipping_choice boolean not null default false;

-- One Stripe TaxRate per studio rate (percentage and inclusiveness), created once with an idempotency key from these
-- ids and remembered here, since Stripe keeps idempotency keys for 24 hours only. A changed studio rate gets a new row.
create table if not exists shop_stripe_tax_rates (
  account_id uuid not null references accounts (id) on delete cascade,
  rate_bps integer not null check (rate_bps between 1 and 10000),
  inclusive boolean not null,
  stripe_tax_rate_id text not null check (stripe_tax_rate_id ~ '^txr_[A-Za-z0-9]+$'),
  created_at timestamptz not null default now(),
  primary key (account_id, rate_bps, inclusive)
);

alter table shop_stripe_tax_rates enable row level security;

-- Stripe bookkeeping written and read by the server only (service role), like stripe_events.
revoke all on shop_stripe_tax_rates from anon, authenticated;
grant select, insert, update, delete on shop_stripe_tax_rates to service_role;
