-- Admin marketplace metrics from daily rollups (issue 17): the metrics page summed every sale, refund and artwork
-- order of the last 12 months under RLS on each request (25 s at 100× data). Triggers keep per-day totals in the same
-- transaction as the payment or refund that changes them, so the page reads at most 365 rows per artwork sold and
-- per seller instead of every row. Keyed by artwork and seller, two payments rarely touch the same rollup row, so a
-- sale day's concurrent checkouts don't queue on one counter.
-- Counting rules are the page's (analytics.ts): a sale counts on its UTC day, a refund both on its own day (cash
-- basis, monthly figures) and on its sale's day (net per sale, rankings); sales refunded as duplicates never count.
-- The backfill at the end counts what existed before the triggers (the runner applies a migration once, atomically).

create table if not exists marketplace_daily_sales (
  day date not null,
  account_id uuid not null references accounts (id) on delete cascade,
  artwork_id uuid not null references artworks (id) on delete cascade,
  currency char(3) not null,
  channel text not null,
  sales integer not null default 0,
  gross bigint not null default 0,
  fees bigint not null default 0,
  -- Refunds made on this day of this artwork's sales (cash basis).
  refunds bigint not null default 0,
  fees_refunded bigint not null default 0,
  -- Refunds, whenever made, of the sales made on this day (net per sale).
  sale_refunds bigint not null default 0,
  sale_fees_refunded bigint not null default 0,
  primary key (day, account_id, artwork_id, currency, channel)
);

create table if not exists marketplace_daily_checkouts (
  day date not null,
  account_id uuid not null references accounts (id) on delete cascade,
  -- Artwork orders with a Checkout session created on this day, and how many of those were paid (at any time).
  started integer not null default 0,
  paid integer not null default 0,
  primary key (day, account_id)
);

alter table marketplace_daily_sales enable row level security;
alter table marketplace_daily_checkouts enable row level security;
drop policy if exists marketplace_daily_sales_select on marketplace_daily_sales;
create policy marketplace_daily_sales_select on marketplace_daily_sales for select to authenticated
  using ((select app.is_platform_admin()));
drop policy if exists marketplace_daily_checkouts_select on marketplace_daily_checkouts;
create policy marketplace_daily_checkouts_select on marketplace_daily_checkouts for select to authenticated
  using ((select app.is_platform_admin()));
revoke all on marketplace_daily_sales, marketplace_daily_checkouts from anon, authenticated;
grant select on marketplace_daily_sales, marketplace_daily_checkouts to authenticated;
grant select, insert, update, delete on marketplace_daily_sales, marketplace_daily_checkouts to service_role;

-- Adds one signed contribution to a rollup row (security definer: a refund made by an artist or an admin under
-- their own role still moves the platform's totals).
create or replace function app.bump_daily_sales(
  p_day date, p_account uuid, p_artwork uuid, p_currency char(3), p_channel text,
  p_sales integer, p_gross bigint, p_fees bigint, p_refunds bigint, p_fees_refunded bigint,
  p_sale_refunds bigint, p_sale_fees_refunded bigint
) returns void language sql security definer set search_path = public, pg_temp as $$
  insert into marketplace_daily_sales as d (day, account_id, artwork_id, currency, channel, sales, gross, fees, refunds,
    fees_refunded, sale_refunds, sale_fees_refunded)
  values (p_day, p_account, p_artwork, p_currency, p_channel, p_sales, p_gross, p_fees, p_refunds, p_fees_refunded,
    p_sale_refunds, p_sale_fees_refunded)
  on conflict (day, account_id, artwork_id, currency, channel) do update set
    sales = d.sales + excluded.sales, gross = d.gross + excluded.gross, fees = d.fees + excluded.fees,
    refunds = d.refunds + excluded.refunds, fees_refunded = d.fees_refunded + excluded.fees_refunded,
    sale_refunds = d.sale_refunds + excluded.sale_refunds,
    sale_fees_refunded = d.sale_fees_refunded + excluded.sale_fees_refunded
$$;
revoke execute on function app.bump_daily_sales(date, uuid, uuid, char, text, integer, bigint, bigint, bigint, bigint,
  bigint, bigint) from public;

create or replace function app.utc_day(t timestamptz) returns date language sql immutable as $$
  select (t at time zone 'UTC')::date
$$;

-- A refund counted (sign +1) or uncounted (-1) on its day and on its sale's day; nothing if the sale is a duplicate
-- or already gone (a deleted sale took its refunds out of the rollups itself).
create or replace function app.rollup_refund(r marketplace_refunds, sign integer) returns void
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  s record;
begin
  select ms.created_at, ms.account_id, ms.artwork_id, ms.currency, ms.status, o.channel into s
  from marketplace_sales ms join orders o on o.id = ms.order_id where ms.id = r.sale_id;
  if not found or s.status = 'duplicate_refunded' then return; end if;
  perform app.bump_daily_sales(app.utc_day(r.created_at), s.account_id, s.artwork_id, s.currency, s.channel,
    0, 0, 0, sign * r.amount, sign * r.fee_refunded, 0, 0);
  perform app.bump_daily_sales(app.utc_day(s.created_at), s.account_id, s.artwork_id, s.currency, s.channel,
    0, 0, 0, 0, 0, sign * r.amount, sign * r.fee_refunded);
end $$;
revoke execute on function app.rollup_refund(marketplace_refunds, integer) from public;

create or replace function app.marketplace_refunds_rollup() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then perform app.rollup_refund(old, -1); end if;
  if tg_op in ('INSERT', 'UPDATE') then perform app.rollup_refund(new, 1); end if;
  return null;
end $$;

-- A sale's own figures on its day. Before delete, so its refunds still exist and leave the rollups with it (their
-- cascaded deletes then find no sale and do nothing).
create or replace function app.marketplace_sales_rollup() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  sale marketplace_sales;
  sign integer;
  ch text;
  r marketplace_refunds;
begin
  if tg_op = 'UPDATE' then
    if (old.status = 'duplicate_refunded') = (new.status = 'duplicate_refunded') and old.amount = new.amount and old.platform_fee = new.platform_fee
      and old.created_at = new.created_at and old.artwork_id = new.artwork_id and old.account_id = new.account_id
      and old.currency = new.currency and old.order_id = new.order_id then
      return new;
    end if;
  end if;
  foreach sign in array (case tg_op when 'INSERT' then array[1] when 'DELETE' then array[-1] else array[-1, 1] end) loop
    sale := case when sign = 1 then new else old end;
    continue when sale.status = 'duplicate_refunded';
    select channel into ch from orders where id = sale.order_id;
    perform app.bump_daily_sales(app.utc_day(sale.created_at), sale.account_id, sale.artwork_id, sale.currency,
      coalesce(ch, 'web'), sign, sign * sale.amount, sign * sale.platform_fee, 0, 0, 0, 0);
    -- An update or delete moves the sale's refunds with it; an inserted sale has none yet.
    if tg_op <> 'INSERT' then
      for r in select * from marketplace_refunds where sale_id = sale.id loop
        perform app.bump_daily_sales(app.utc_day(r.created_at), sale.account_id, sale.artwork_id, sale.currency,
          coalesce(ch, 'web'), 0, 0, 0, sign * r.amount, sign * r.fee_refunded, 0, 0);
        perform app.bump_daily_sales(app.utc_day(sale.created_at), sale.account_id, sale.artwork_id, sale.currency,
          coalesce(ch, 'web'), 0, 0, 0, 0, 0, sign * r.amount, sign * r.fee_refunded);
      end loop;
    end if;
  end loop;
  return case when tg_op = 'DELETE' then old else new end;
end $$;

-- Checkout conversion per seller and day: an artwork order counts as started once it has a Checkout session, and
-- as paid once paid.
create or replace function app.orders_checkout_rollup() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
declare
  o orders;
  sign integer;
begin
  foreach sign in array (case tg_op when 'INSERT' then array[1] when 'DELETE' then array[-1] else array[-1, 1] end) loop
    o := case when sign = 1 then new else old end;
    continue when o.offering_type <> 'artwork' or o.stripe_checkout_session_id is null;
    insert into marketplace_daily_checkouts as d (day, account_id, started, paid)
    values (app.utc_day(o.created_at), o.account_id, sign, sign * (o.paid_at is not null)::int)
    on conflict (day, account_id) do update set started = d.started + excluded.started, paid = d.paid + excluded.paid;
  end loop;
  return null;
end $$;

drop trigger if exists marketplace_sales_rollup_write on marketplace_sales;
create trigger marketplace_sales_rollup_write after insert or update on marketplace_sales
  for each row execute function app.marketplace_sales_rollup();
drop trigger if exists marketplace_sales_rollup_delete on marketplace_sales;
create trigger marketplace_sales_rollup_delete before delete on marketplace_sales
  for each row execute function app.marketplace_sales_rollup();
drop trigger if exists marketplace_refunds_rollup on marketplace_refunds;
create trigger marketplace_refunds_rollup after insert or update of sale_id, amount, fee_refunded, created_at or delete
  on marketplace_refunds for each row execute function app.marketplace_refunds_rollup();
-- Only artwork orders, and an update only when what is counted changes: print and credit orders pay nothing.
drop trigger if exists orders_checkout_rollup_insert on orders;
create trigger orders_checkout_rollup_insert after insert on orders for each row
  when (new.offering_type = 'artwork' and new.stripe_checkout_session_id is not null)
  execute function app.orders_checkout_rollup();
drop trigger if exists orders_checkout_rollup_update on orders;
create trigger orders_checkout_rollup_update after update of stripe_checkout_session_id, paid_at, created_at, account_id
  on orders for each row
  when ((old.offering_type = 'artwork' or new.offering_type = 'artwork')
    and (old.stripe_checkout_session_id is distinct from new.stripe_checkout_session_id
      or (old.paid_at is null) <> (new.paid_at is null) or old.created_at <> new.created_at
      or old.account_id <> new.account_id))
  execute function app.orders_checkout_rollup();
drop trigger if exists orders_checkout_rollup_delete on orders;
create trigger orders_checkout_rollup_delete after delete on orders for each row
  when (old.offering_type = 'artwork' and old.stripe_checkout_session_id is not null)
  execute function app.orders_checkout_rollup();

-- Backfill what existed before the triggers.
insert into marketplace_daily_sales (day, account_id, artwork_id, currency, channel, sales, gross, fees)
select app.utc_day(s.created_at), s.account_id, s.artwork_id, s.currency, o.channel, count(*), sum(s.amount),
  sum(s.platform_fee)
from marketplace_sales s join orders o on o.id = s.order_id
where s.status <> 'duplicate_refunded'
group by 1, 2, 3, 4, 5;
do $$
declare
  r marketplace_refunds;
begin
  for r in select * from marketplace_refunds loop
    perform app.rollup_refund(r, 1);
  end loop;
end $$;
insert into marketplace_daily_checkouts (day, account_id, started, paid)
select app.utc_day(o.created_at), o.account_id, count(*), count(*) filter (where o.paid_at is not null)
from orders o
where o.offering_type = 'artwork' and o.stripe_checkout_session_id is not null
group by 1, 2;
