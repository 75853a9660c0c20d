-- A marketplace sale lost to a dispute (issue 16): the chargeback debited the platform, which takes the artist's
-- share back by reversing the sale's transfer, as a full refund would have. One row per lost dispute, written as
-- intent ('pending') in the transaction that saw the loss; the job calls Stripe with a key derived from the row and
-- records the reversal. Readers as for sales: the artist's members, platform admins; only the service role writes.

create table if not exists marketplace_dispute_recoveries (
  id uuid primary key default gen_random_uuid(),
  dispute_id uuid not null unique references disputes (id) on delete cascade,
  sale_id uuid not null references marketplace_sales (id) on delete cascade,
  account_id uuid not null references accounts (id) on delete cascade,
  -- The artist's share of the disputed amount still on their side of the transfer.
  amount bigint not null check (amount > 0),
  currency char(3) not null check (currency ~ '^[a-z]{3}$'),
  status text not null default 'pending' check (status in ('pending', 'reversed')),
  stripe_transfer_reversal_id text unique,
  -- What the artist's Stripe balance could not cover; Stripe nets it against their next funds.
  amount_owed bigint not null default 0 check (amount_owed >= 0),
  created_at timestamptz not null default now(),
  reversed_at timestamptz
);

create index if not exists marketplace_dispute_recoveries_sale_idx on marketplace_dispute_recoveries (sale_id);

alter table marketplace_dispute_recoveries enable row level security;

drop policy if exists marketplace_dispute_recoveries_select on marketplace_dispute_recoveries;
create policy marketplace_dispute_recoveries_select on marketplace_dispute_recoveries for select to authenticated
  using (account_id = any ((select app.sales_account_ids())::uuid[]) or (select app.is_platform_admin()));

grant select, insert, update, delete on marketplace_dispute_recoveries to service_role;
revoke all on marketplace_dispute_recoveries from anon;
revoke insert, update, delete on marketplace_dispute_recoveries from authenticated;
grant select on marketplace_dispute_recoveries to authenticated;
