-- Lists that stay fast at 100× data (issue 17): keyset pagination walks (…, created_at, id) indexes, and searches
-- by a fragment of an email or name (`ilike '%…%'`) use pg_trgm GIN indexes instead of reading every row.

-- pg_trgm ships with PGlite (loaded in src/db/connect.ts), Supabase and the Postgres contrib package. Supabase keeps
-- extensions in the `extensions` schema, so it goes there when that schema exists; like pgvector in 0001 it is
-- skipped where the server lacks it, and then the searches still work, by scanning.
do $$
begin
  if not exists (select 1 from pg_extension where extname = 'pg_trgm')
    and exists (select 1 from pg_available_extensions where name = 'pg_trgm') then
    if exists (select 1 from pg_namespace where nspname = 'extensions') then
      create extension if not exists pg_trgm with schema extensions;
    else
      create extension if not exists pg_trgm;
    end if;
  end if;
end $$;

-- The operator class is named with the schema pg_trgm landed in, so the indexes do not depend on search_path.
do $$
declare
  ops text;
begin
  select quote_ident(n.nspname) || '.gin_trgm_ops' into ops
    from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_trgm';
  if ops is null then
    raise notice 'pg_trgm is not available: email and name searches will scan';
    return;
  end if;
  -- Print orders by buyer email or name; studio clients; the platform admin's user and account directories.
  -- fastupdate off: these tables are written a row at a time, and a pending list would make searches scan it and
  -- the planner price the index as if it were still unmerged.
  execute format('create index if not exists orders_buyer_email_trgm_idx on orders using gin (buyer_email %s) with (fastupdate = off)', ops);
  execute format(
    'create index if not exists print_fulfilments_buyer_name_trgm_idx on print_fulfilments using gin (buyer_name %s) with (fastupdate = off)',
    ops);
  execute format('create index if not exists studio_clients_name_trgm_idx on studio_clients using gin (name %s) with (fastupdate = off)', ops);
  execute format('create index if not exists studio_clients_email_trgm_idx on studio_clients using gin (email %s) with (fastupdate = off)', ops);
  execute format('create index if not exists users_email_trgm_idx on users using gin (email %s) with (fastupdate = off)', ops);
  execute format('create index if not exists users_name_trgm_idx on users using gin (name %s) with (fastupdate = off)', ops);
  execute format('create index if not exists accounts_name_trgm_idx on accounts using gin (name %s) with (fastupdate = off)', ops);
  execute format('create index if not exists accounts_slug_trgm_idx on accounts using gin (slug %s) with (fastupdate = off)', ops);
end $$;

-- A seller's orders newest first, and by status: the id joins the key so a cursor `(created_at, id) < (…)` is one
-- index condition and the order needs no sort. They replace 0010's and 0097's indexes, which they cover.
create index if not exists orders_account_keyset_idx on orders (account_id, created_at desc, id desc);
create index if not exists orders_account_status_keyset_idx on orders (account_id, status, created_at desc, id desc);
drop index if exists orders_account_idx;
drop index if exists orders_account_status_idx;
-- A seller's share of each status: without it the planner multiplies the two selectivities, and for a big seller
-- with no orders in a status it expects thousands and walks orders_created_idx (all sellers) looking for them.
create statistics if not exists orders_account_status_stats (mcv) on account_id, status from orders;

-- An artist's sales newest first, likewise (replaces 0050's).
create index if not exists marketplace_sales_account_keyset_idx on marketplace_sales (account_id, created_at desc, id desc);
drop index if exists marketplace_sales_account_idx;

-- The credits pages: an organization's (or provider's) lots first-expiring first, and logged work newest first.
create index if not exists credit_lots_org_keyset_idx on credit_lots (organization_account_id, expires_at, id);
create index if not exists credit_lots_provider_keyset_idx on credit_lots (provider_account_id, expires_at, id);
create index if not exists credit_usage_org_keyset_idx on credit_usage (organization_account_id, created_at desc, id desc);
create index if not exists credit_usage_provider_keyset_idx on credit_usage (provider_account_id, created_at desc, id desc);
