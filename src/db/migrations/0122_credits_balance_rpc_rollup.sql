-- The credits_balance RPC reads the per-pair rollup (0121) like the app does, instead of summing every lot ever
-- bought: the pair's open minutes less the few lots past `at` that the hourly job has not closed yet. Same result
-- as the sum it replaces; security invoker, so RLS on both tables still decides who sees what.
create or replace function public.credits_balance(org uuid, provider uuid, at timestamptz default now())
returns bigint language sql stable security invoker as $$
  select coalesce((
    select b.minutes - (
      select coalesce(sum(l.balance_minutes), 0) from credit_lots l
      where l.organization_account_id = org and l.provider_account_id = provider
        and l.expired_at is null and l.balance_minutes > 0 and l.expires_at <= at)
    from credit_balances b
    where b.organization_account_id = org and b.provider_account_id = provider), 0)::bigint
$$;
