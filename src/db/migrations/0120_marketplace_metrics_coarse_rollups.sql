-- Admin marketplace metrics, coarser (issue 17): 0118's rollup has a row per artwork and sale day, so with originals
-- selling once it grows like the sales (the page took 129 ms at 10× data, growing 8×). Two more rollups, kept by the
-- same function in the same transactions:
--   marketplace_monthly_sales: per month, seller, currency and channel: the monthly figures, the channel split and
--     the top artists read at most a few rows per seller and month;
--   marketplace_artwork_sales: per artwork, all time, net of refunds: an upper bound on any window's net, so the top
--     artworks are found by walking artworks best first until the rest cannot beat the tenth (analytics.ts).
-- Both are rebuilt from 0118's daily rows, which hold the same counts.

create table if not exists marketplace_monthly_sales (
  month date not null,
  account_id uuid not null references accounts (id) on delete cascade,
  currency char(3) not null,
  channel text not null,
  -- A seller's month spread over 8 rows by artwork: concurrent payments for different works rarely wait on one row.
  shard smallint not null,
  sales integer not null default 0,
  gross bigint not null default 0,
  fees bigint not null default 0,
  refunds bigint not null default 0,
  fees_refunded bigint not null default 0,
  sale_refunds bigint not null default 0,
  sale_fees_refunded bigint not null default 0,
  primary key (month, account_id, currency, channel, shard)
);

create table if not exists marketplace_artwork_sales (
  artwork_id uuid not null references artworks (id) on delete cascade,
  account_id uuid not null references accounts (id) on delete cascade,
  currency char(3) not null,
  sales integer not null default 0,
  -- Gross less the refunds of these sales, whenever made.
  net bigint not null default 0,
  primary key (artwork_id, account_id, currency)
);
create index if not exists marketplace_artwork_sales_net_idx on marketplace_artwork_sales (net desc, artwork_id desc);
-- The top artworks' 12-month figures, looked up for a few candidates at a time.
create index if not exists marketplace_daily_sales_artwork_idx on marketplace_daily_sales (artwork_id, day);

alter table marketplace_monthly_sales enable row level security;
alter table marketplace_artwork_sales enable row level security;
drop policy if exists marketplace_monthly_sales_select on marketplace_monthly_sales;
create policy marketplace_monthly_sales_select on marketplace_monthly_sales for select to authenticated
  using ((select app.is_platform_admin()));
drop policy if exists marketplace_artwork_sales_select on marketplace_artwork_sales;
create policy marketplace_artwork_sales_select on marketplace_artwork_sales for select to authenticated
  using ((select app.is_platform_admin()));
revoke all on marketplace_monthly_sales, marketplace_artwork_sales from anon, authenticated;
grant select on marketplace_monthly_sales, marketplace_artwork_sales to authenticated;
grant select, insert, update, delete on marketplace_monthly_sales, marketplace_artwork_sales to service_role;

create or replace function app.bump_daily_sales(
  p_day date, p_account uuid, p_artwork uuid, p_currency char(3), p_channel text,
  p_sales integer, p_gross bigint, p_fees bigint, p_refunds bigint, p_fees_refunded bigint,
  p_sale_refunds bigint, p_sale_fees_refunded bigint
) returns void language plpgsql security definer set search_path = public, pg_temp as $$
begin
  insert into marketplace_daily_sales as d (day, account_id, artwork_id, currency, channel, sales, gross, fees, refunds,
    fees_refunded, sale_refunds, sale_fees_refunded)
  values (p_day, p_account, p_artwork, p_currency, p_channel, p_sales, p_gross, p_fees, p_refunds, p_fees_refunded,
    p_sale_refunds, p_sale_fees_refunded)
  on conflict (day, account_id, artwork_id, currency, channel) do update set
    sales = d.sales + excluded.sales, gross = d.gross + excluded.gross, fees = d.fees + excluded.fees,
    refunds = d.refunds + excluded.refunds, fees_refunded = d.fees_refunded + excluded.fees_refunded,
    sale_refunds = d.sale_refunds + excluded.sale_refunds,
    sale_fees_refunded = d.sale_fees_refunded + excluded.sale_fees_refunded;
  insert into marketplace_monthly_sales as m (month, account_id, currency, channel, shard, sales, gross, fees, refunds,
    fees_refunded, sale_refunds, sale_fees_refunded)
  values (date_trunc('month', p_day)::date, p_account, p_currency, p_channel, hashtext(p_artwork::text) & 7, p_sales,
    p_gross, p_fees, p_refunds, p_fees_refunded, p_sale_refunds, p_sale_fees_refunded)
  on conflict (month, account_id, currency, channel, shard) do update set
    sales = m.sales + excluded.sales, gross = m.gross + excluded.gross, fees = m.fees + excluded.fees,
    refunds = m.refunds + excluded.refunds, fees_refunded = m.fees_refunded + excluded.fees_refunded,
    sale_refunds = m.sale_refunds + excluded.sale_refunds,
    sale_fees_refunded = m.sale_fees_refunded + excluded.sale_fees_refunded;
  -- A cash-basis refund (on the refund's day) is counted again on its sale's day: only that one moves the net.
  if p_sales <> 0 or p_gross <> 0 or p_sale_refunds <> 0 then
    insert into marketplace_artwork_sales as a (artwork_id, account_id, currency, sales, net)
    values (p_artwork, p_account, p_currency, p_sales, p_gross - p_sale_refunds)
    on conflict (artwork_id, account_id, currency) do update set
      sales = a.sales + excluded.sales, net = a.net + excluded.net;
  end if;
end $$;
revoke execute on function app.bump_daily_sales(date, uuid, uuid, char, text, integer, bigint, bigint, bigint, bigint,
  bigint, bigint) from public;

-- Backfill from the daily rows (the runner applies a migration once, atomically).
insert into marketplace_monthly_sales (month, account_id, currency, channel, shard, sales, gross, fees, refunds,
  fees_refunded, sale_refunds, sale_fees_refunded)
select date_trunc('month', day)::date, account_id, currency, channel, hashtext(artwork_id::text) & 7, sum(sales),
  sum(gross), sum(fees), sum(refunds), sum(fees_refunded), sum(sale_refunds), sum(sale_fees_refunded)
from marketplace_daily_sales
group by 1, 2, 3, 4, 5
on conflict do nothing;
insert into marketplace_artwork_sales (artwork_id, account_id, currency, sales, net)
select artwork_id, account_id, currency, sum(sales), sum(gross - sale_refunds)
from marketplace_daily_sales
group by 1, 2, 3
on conflict do nothing;
