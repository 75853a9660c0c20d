-- Credit balances from a per-pair rollup (issue 17): an organization's balance with a provider summed every lot it
-- ever bought that was not yet closed by the expiry job, so the credits page grew with the purchase history (40 ms
-- at 100× data, 8.6× its time at 1×). A trigger keeps, per organization and provider, the minutes on lots not yet
-- closed, in the same transaction as the ledger entry or expiry that changes a lot. A balance is that figure minus
-- the few lots past their expiry that the hourly job has not closed yet, found through the spendable-lots index.
-- The backfill at the end counts the lots that existed before the trigger.

create table if not exists credit_balances (
  organization_account_id uuid not null references accounts (id) on delete cascade,
  provider_account_id uuid not null references accounts (id) on delete cascade,
  -- Minutes on the pair's lots whose expired_at is null, whether or not their expires_at has passed.
  minutes bigint not null default 0 check (minutes >= 0),
  primary key (organization_account_id, provider_account_id)
);

alter table credit_balances enable row level security;
drop policy if exists credit_balances_select on credit_balances;
create policy credit_balances_select on credit_balances for select to authenticated
  using (app.can_see_credits(organization_account_id, provider_account_id));
revoke all on credit_balances from anon, authenticated;
grant select on credit_balances to authenticated;
grant select on credit_balances to service_role;

-- Lots that still hold minutes and are not closed: where consumption takes from (first-expiring first), where the
-- next expiry is, and the few overdue lots a balance leaves out. Depleted and closed lots, most of a long-standing
-- customer's history, are not in it.
create index if not exists credit_lots_spendable_idx on credit_lots
  (organization_account_id, provider_account_id, expires_at, id) where expired_at is null and balance_minutes > 0;

-- Moves a lot's contribution: the minutes it holds while not closed (security definer: the rollup has no write
-- grant, so only this trigger writes it). A change on the same pair is one update by the difference; an upsert would
-- not do, as a negative difference fails the check on the row it proposes before the conflict is seen.
create or replace function app.credit_balances_follow_lot() returns trigger language plpgsql security definer
set search_path = public, pg_temp as $$
declare
  was bigint := 0;
  holds bigint := 0;
begin
  if tg_op <> 'INSERT' then
    if old.expired_at is null then was := old.balance_minutes; end if;
  end if;
  if tg_op <> 'DELETE' then
    if new.expired_at is null then holds := new.balance_minutes; end if;
  end if;
  if tg_op = 'UPDATE' then
    if old.organization_account_id = new.organization_account_id
      and old.provider_account_id = new.provider_account_id then
      if holds <> was then
        update credit_balances set minutes = minutes + (holds - was)
          where organization_account_id = new.organization_account_id
            and provider_account_id = new.provider_account_id;
      end if;
      return null;
    end if;
  end if;
  if was <> 0 then
    update credit_balances set minutes = minutes - was
      where organization_account_id = old.organization_account_id and provider_account_id = old.provider_account_id;
  end if;
  -- A new lot creates its pair's row even at zero minutes, so the pair is listed from its first purchase on.
  if tg_op <> 'DELETE' then
    insert into credit_balances as b (organization_account_id, provider_account_id, minutes)
      values (new.organization_account_id, new.provider_account_id, holds)
      on conflict (organization_account_id, provider_account_id) do update set minutes = b.minutes + excluded.minutes;
  end if;
  return null;
end $$;
revoke all on function app.credit_balances_follow_lot() from public;

drop trigger if exists credit_lots_balances on credit_lots;
create trigger credit_lots_balances
  after insert or update of balance_minutes, expired_at, organization_account_id, provider_account_id or delete
  on credit_lots for each row execute function app.credit_balances_follow_lot();

-- Proof of the rollup: pairs whose figure differs from the sum of their open lots (want none).
create or replace function app.credit_balance_mismatches()
returns table (organization_account_id uuid, provider_account_id uuid, minutes bigint, lots_minutes bigint)
language sql stable security invoker set search_path = public, pg_temp as $$
  select organization_account_id, provider_account_id, coalesce(b.minutes, 0), coalesce(l.minutes, 0)
  from credit_balances b
  full join (
    select organization_account_id, provider_account_id, sum(balance_minutes)::bigint as minutes
    from credit_lots where expired_at is null group by organization_account_id, provider_account_id
  ) l using (organization_account_id, provider_account_id)
  where coalesce(b.minutes, 0) <> coalesce(l.minutes, 0)
$$;
revoke all on function app.credit_balance_mismatches() from public;
grant execute on function app.credit_balance_mismatches() to service_role;

-- Every pair that ever had a lot gets its row (at zero when all its lots are closed), as the trigger would have made.
insert into credit_balances (organization_account_id, provider_account_id, minutes)
select organization_account_id, provider_account_id, coalesce(sum(balance_minutes) filter (where expired_at is null), 0)
from credit_lots
group by organization_account_id, provider_account_id
on conflict (organization_account_id, provider_account_id) do update set minutes = excluded.minutes;
