-- Prepaid expert-service credits: organizations buy hours from providers; a double-entry minute ledger.
-- Every credit lot is its own ledger account (a sub-account of the org's balance with that provider); each
-- provider has `funding` (minutes sold), `delivered` (minutes worked) and `breakage` (minutes expired) accounts.

create table credit_bundles (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  name text not null check (length(name) between 1 and 100),
  hours integer not null check (hours > 0 and hours <= 10000),
  price_amount bigint not null check (price_amount > 0),
  currency char(3) not null check (currency = lower(currency)),
  active boolean not null default true,
  stripe_price_id text,
  created_at timestamptz not null default now(),
  unique (account_id, name)
);

create table provider_customers (
  provider_account_id uuid not null references accounts (id) on delete cascade,
  organization_account_id uuid not null references accounts (id) on delete cascade,
  first_purchase_at timestamptz not null,
  primary key (provider_account_id, organization_account_id)
);
create index provider_customers_org_idx on provider_customers (organization_account_id);

create table ledger_accounts (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('org_lot', 'provider_funding', 'provider_delivered', 'provider_breakage')),
  provider_account_id uuid not null references accounts (id) on delete restrict,
  organization_account_id uuid references accounts (id) on delete restrict,
  created_at timestamptz not null default now(),
  check ((kind = 'org_lot') = (organization_account_id is not null))
);
-- One funding/delivered/breakage account per provider; lots get one account each.
create unique index ledger_accounts_provider_kind_key on ledger_accounts (provider_account_id, kind) where kind <> 'org_lot';

create table ledger_postings (
  id uuid primary key default gen_random_uuid(),
  reason text not null check (reason in ('purchase', 'consumption', 'expiry', 'refund_revocation')),
  reference text not null,
  created_at timestamptz not null default now(),
  created_by text not null
);
create index ledger_postings_reference_idx on ledger_postings (reference);

create table ledger_entries (
  id bigint generated always as identity primary key,
  posting_id uuid not null references ledger_postings (id) on delete restrict,
  ledger_account_id uuid not null references ledger_accounts (id) on delete restrict,
  amount_minutes bigint not null check (amount_minutes <> 0),
  created_at timestamptz not null default now()
);
create index ledger_entries_posting_idx on ledger_entries (posting_id);
create index ledger_entries_account_idx on ledger_entries (ledger_account_id, created_at);

create table credit_lots (
  id uuid primary key default gen_random_uuid(),
  organization_account_id uuid not null references accounts (id) on delete restrict,
  provider_account_id uuid not null references accounts (id) on delete restrict,
  ledger_account_id uuid not null unique references ledger_accounts (id) on delete restrict,
  -- Soft reference to orders.id: the unique key makes fulfilment idempotent per order.
  order_id uuid unique,
  minutes_granted bigint not null check (minutes_granted > 0),
  balance_minutes bigint not null check (balance_minutes >= 0),
  expires_at timestamptz not null,
  expired_at timestamptz,
  created_at timestamptz not null default now()
);
create index credit_lots_fifo_idx on credit_lots (organization_account_id, provider_account_id, expires_at);
create index credit_lots_expiry_idx on credit_lots (expires_at) where expired_at is null;

create table credit_usage (
  id uuid primary key default gen_random_uuid(),
  provider_account_id uuid not null references accounts (id) on delete restrict,
  organization_account_id uuid not null references accounts (id) on delete restrict,
  minutes bigint not null check (minutes > 0),
  note text not null default '' check (length(note) <= 500),
  worked_on date not null,
  logged_by uuid references users (id) on delete set null,
  posting_id uuid not null unique references ledger_postings (id) on delete restrict,
  created_at timestamptz not null default now()
);
create index credit_usage_pair_idx on credit_usage (organization_account_id, provider_account_id, worked_on);

-- The running balance of a lot follows its entries in the same statement, so the two can never disagree;
-- the CHECK (balance_minutes >= 0) on credit_lots then refuses any overdraw.
create or replace function app.credit_entry_apply() returns trigger language plpgsql as $$
begin
  update credit_lots set balance_minutes = balance_minutes + new.amount_minutes
  where ledger_account_id = new.ledger_account_id;
  return null;
end $$;
create trigger ledger_entries_apply after insert on ledger_entries
  for each row execute function app.credit_entry_apply();

-- Checked at commit, so a posting's entries may be inserted one by one but must balance by the end.
create or replace function app.ledger_posting_balanced() returns trigger language plpgsql as $$
declare
  total bigint;
begin
  select coalesce(sum(amount_minutes), 0) into total from ledger_entries where posting_id = new.posting_id;
  if total <> 0 then
    raise exception 'ledger posting % is unbalanced by % minutes', new.posting_id, total using errcode = '23514';
  end if;
  return null;
end $$;
create constraint trigger ledger_entries_balanced after insert on ledger_entries
  deferrable initially deferred for each row execute function app.ledger_posting_balanced();

-- Append-only: privileges can be re-granted by mistake, a trigger holds for every role (owner included).
create or replace function app.ledger_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'the credit ledger is append-only (% on %)', tg_op, tg_table_name using errcode = '42501';
end $$;
create trigger ledger_entries_append_only before update or delete on ledger_entries
  for each row execute function app.ledger_append_only();
create trigger ledger_entries_no_truncate before truncate on ledger_entries
  for each statement execute function app.ledger_append_only();
create trigger ledger_postings_append_only before update or delete on ledger_postings
  for each row execute function app.ledger_append_only();
create trigger ledger_postings_no_truncate before truncate on ledger_postings
  for each statement execute function app.ledger_append_only();

-- Who may see an org's credits with a provider: the org's members, the provider's admins.
create or replace function app.can_see_credits(org uuid, provider uuid) returns boolean
language sql stable as $$
  select app.is_member(org, 'member') or app.is_member(provider, 'admin')
$$;

alter table credit_bundles enable row level security;
alter table provider_customers enable row level security;
alter table ledger_accounts enable row level security;
alter table ledger_postings enable row level security;
alter table ledger_entries enable row level security;
alter table credit_lots enable row level security;
alter table credit_usage enable row level security;

create policy credit_bundles_select on credit_bundles for select to authenticated
  using (active or app.is_member(account_id, 'admin'));
create policy credit_bundles_write on credit_bundles for all to authenticated
  using (app.is_member(account_id, 'admin')) with check (app.is_member(account_id, 'admin'));
create policy provider_customers_select on provider_customers for select to authenticated
  using (app.can_see_credits(organization_account_id, provider_account_id));
create policy credit_lots_select on credit_lots for select to authenticated
  using (app.can_see_credits(organization_account_id, provider_account_id));
create policy credit_usage_select on credit_usage for select to authenticated
  using (app.can_see_credits(organization_account_id, provider_account_id));
create policy ledger_accounts_select on ledger_accounts for select to authenticated
  using (
    case when organization_account_id is null then app.is_member(provider_account_id, 'admin')
    else app.can_see_credits(organization_account_id, provider_account_id) end
  );
create policy ledger_entries_select on ledger_entries for select to authenticated
  using (exists (select 1 from ledger_accounts a where a.id = ledger_entries.ledger_account_id));
create policy ledger_postings_select on ledger_postings for select to authenticated
  using (exists (select 1 from ledger_entries e where e.posting_id = ledger_postings.id));

revoke all on credit_bundles, provider_customers, ledger_accounts, ledger_postings, ledger_entries, credit_lots,
  credit_usage from anon;
revoke all on provider_customers, ledger_accounts, ledger_postings, ledger_entries, credit_lots, credit_usage
  from authenticated;
grant select on provider_customers, ledger_accounts, ledger_postings, ledger_entries, credit_lots, credit_usage
  to authenticated;
grant select, insert, update, delete on credit_bundles to authenticated;
grant select, insert, update, delete on credit_bundles, provider_customers, ledger_accounts, credit_lots,
  credit_usage to service_role;
revoke all on ledger_postings, ledger_entries from service_role;
grant select, insert on ledger_postings, ledger_entries to service_role;

-- Supabase RPC: an org's spendable minutes with a provider (security invoker: RLS decides who sees what).
create or replace function public.credits_balance(org uuid, provider uuid, at timestamptz default now())
returns bigint language sql stable security invoker as $$
  select coalesce(sum(balance_minutes), 0)::bigint from credit_lots
  where organization_account_id = org and provider_account_id = provider and expired_at is null and expires_at > at
$$;

-- Supabase RPC: the org's balance with a provider after each posting that touched its lots, oldest first.
create or replace function public.credits_balance_history(org uuid, provider uuid)
returns table (posting_id uuid, reason text, created_at timestamptz, delta_minutes bigint, balance_minutes bigint)
language sql stable security invoker as $$
  select h.posting_id, h.reason, h.created_at, h.delta, (sum(h.delta) over (order by h.created_at, h.posting_id))::bigint
  from (
    select p.id as posting_id, p.reason, p.created_at, sum(e.amount_minutes)::bigint as delta
    from ledger_entries e
    join credit_lots l on l.ledger_account_id = e.ledger_account_id
    join ledger_postings p on p.id = e.posting_id
    where l.organization_account_id = org and l.provider_account_id = provider
    group by p.id, p.reason, p.created_at
  ) h
  order by h.created_at, h.posting_id
$$;

-- Proof of the running balances: lots whose balance_minutes differs from the sum of their entries (want none).
create or replace function app.credit_lot_mismatches()
returns table (lot_id uuid, balance_minutes bigint, ledger_minutes bigint)
language sql stable security invoker as $$
  select l.id, l.balance_minutes, coalesce(sum(e.amount_minutes), 0)::bigint
  from credit_lots l left join ledger_entries e on e.ledger_account_id = l.ledger_account_id
  group by l.id, l.balance_minutes
  having l.balance_minutes <> coalesce(sum(e.amount_minutes), 0)
$$;

revoke all on function public.credits_balance(uuid, uuid, timestamptz), public.credits_balance_history(uuid, uuid)
  from public, anon;
grant execute on function public.credits_balance(uuid, uuid, timestamptz), public.credits_balance_history(uuid, uuid)
  to authenticated, service_role;
grant execute on function app.can_see_credits(uuid, uuid), app.credit_lot_mismatches() to authenticated, service_role;
