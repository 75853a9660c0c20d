import { sql } from 'kysely';
import { withService } from './db/tenancy.ts';
import type { DB } from './db/types.ts';

/**
 * Synthetic volume on top of the demo data, for benchmarks: `scale` 1 is one unit below, 100 is a hundred. The
 * rows are spread over the demo tenants (Lumen Photography, the demo artists, Acme Corp with Skywalker Digital)
 * and over extra tenants of each kind, so RLS filters real neighbours' rows. Growing is additive: seeding 100
 * after 10 adds the difference, and seeding the same scale twice adds nothing.
 */
export const SCALE_UNIT = {
  /** Print orders, each with a line and a fulfilment record (two thirds Lumen's). */
  printOrders: 6_000,
  /** Marketplace sales, each with its paid order (originals sold once, editions several times). */
  sales: 3_500,
  /** Credit purchases: an order, a lot and nine usage entries each; 20 ledger entries per purchase. */
  creditPurchases: 500,
  artworks: 1_000,
  jobs: 10_000,
} as const;

export type ScalePart = keyof typeof SCALE_UNIT;
export type ScaleProgress = (part: ScalePart, done: number, total: number) => void;

/** Rows of each part that the database holds after seeding. */
export type ScaleCounts = Record<ScalePart, number>;

const EXTRA_TENANTS = { studio: 10, artist: 20, organization: 10 } as const;
const DEMO_ARTISTS = ['mira-okafor', 'jonas-berg', 'aiko-tanaka', 'lena-ferreira', 'kofi-mensah'];
const MEDIUMS = ['painting', 'drawing', 'photography', 'sculpture', 'print', 'mixed_media', 'digital', 'textile'];
// Spreads index i over the last two years, scattered rather than in insertion order.
const TWO_YEARS_MIN = 2 * 365 * 1440;
const at = (now: Date, index: unknown, spanMinutes = TWO_YEARS_MIN) =>
  sql<Date>`${now}::timestamptz - ((${index}::bigint * 7919) % ${spanMinutes}::int) * interval '1 minute'`;

const ANALYZED = [
  // The extra tenants are too few for autovacuum to re-analyze accounts, and too many for the planner to ignore.
  ...['accounts', 'artist_profiles', 'memberships'],
  ...['orders', 'order_items', 'print_fulfilments', 'marketplace_sales', 'marketplace_daily_sales', 'artworks'],
  ...['jobs', 'ledger_entries', 'ledger_postings', 'credit_lots', 'credit_usage', 'provider_customers'],
];

/** Rows written per transaction: big enough to be fast, small enough that progress moves. */
const BATCH = 5_000;

/**
 * Seeds up to `scale` units of each part (see SCALE_UNIT). Needs the demo data (`seed --demo`) first. Runs as
 * the service role, in one transaction per batch, so an interrupted run keeps what it committed and the next run
 * carries on.
 */
export async function seedScale(
  db: DB,
  scale: number,
  opts: { now: Date; onProgress?: ScaleProgress; unit?: ScaleCounts },
): Promise<ScaleCounts> {
  if (!Number.isInteger(scale) || scale < 1 || scale > 1000) throw new Error('scale must be a whole number 1–1000');
  const unit = opts.unit ?? SCALE_UNIT;
  // Every 35 sales go to a block of 10 artworks (see insertSales).
  if (unit.sales * 10 > unit.artworks * 35) throw new Error('a scale unit needs an artwork for every 3.5 sales');
  const tenants = await withService(db, (tx) => ensureTenants(tx));
  const have = await withService(db, (tx) => countSeeded(tx));
  const counts = { ...have };
  const { now } = opts;
  // Artworks first: sales refer to them by index.
  const parts: Array<[ScalePart, (tx: DB, from: number, to: number) => Promise<unknown>, number]> = [
    ['artworks', (tx, a, b) => insertArtworks(tx, tenants, now, a, b), BATCH],
    ['printOrders', (tx, a, b) => insertPrintOrders(tx, tenants, now, a, b), BATCH],
    ['sales', (tx, a, b) => insertSales(tx, now, a, b), BATCH],
    ['creditPurchases', (tx, a, b) => insertCreditPurchases(tx, tenants, now, a, b), BATCH / 10],
    ['jobs', (tx, a, b) => insertJobs(tx, now, a, b), BATCH * 2],
  ];
  for (const [part, insert, batch] of parts) {
    const total = unit[part] * scale;
    opts.onProgress?.(part, Math.min(counts[part], total), total);
    for (let from = counts[part]; from < total; from += batch) {
      const to = Math.min(from + batch, total);
      await withService(db, (tx) => insert(tx, from, to));
      counts[part] = to;
      opts.onProgress?.(part, to, total);
    }
  }
  await withService(db, async (tx) => {
    // Editions record how many they sold; counted once at the end rather than per batch.
    await sql`
      update artworks a set editions_sold = s.n
      from (select artwork_id, count(*)::int as n from marketplace_sales group by artwork_id) s
      where s.artwork_id = a.id and a.edition_type = 'edition' and a.title like 'Scale study no. %'
        and a.editions_sold <> s.n`.execute(tx);
  });
  // As the tables' owner, not the service role: ANALYZE skips tables it doesn't own, and stale statistics make
  // the planner sort whole tenants where an index would walk one page. VACUUM too, as autovacuum leaves a table:
  // without a visibility map every index-only scan reads the heap, and autovacuum would start mid-benchmark.
  for (const table of ANALYZED) await sql`vacuum (analyze) ${sql.table(table)}`.execute(db);
  return counts;
}

interface Tenants {
  lumen: string;
  studios: string[];
  artists: string[];
  acme: string;
  orgs: string[];
  provider: string;
  funding: string;
  delivered: string;
}

async function ensureTenants(tx: DB): Promise<Tenants> {
  const slugs = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(2, '0')}`);
  const extra = {
    studio: slugs('scale-studio', EXTRA_TENANTS.studio),
    artist: slugs('scale-artist', EXTRA_TENANTS.artist),
    organization: slugs('scale-org', EXTRA_TENANTS.organization),
  };
  for (const kind of ['studio', 'artist', 'organization'] as const) {
    const list = extra[kind];
    await tx
      .insertInto('accounts')
      .values(list.map((slug) => ({ slug, kind, name: slug.replace(/-/g, ' ').replace(/^s/, 'S') })))
      .onConflict((oc) => oc.column('slug').doNothing())
      .execute();
  }
  const rows = await tx
    .selectFrom('accounts')
    .select(['id', 'slug'])
    .where('slug', 'in', [
      'lumen-photography',
      'acme-corp',
      'skywalker-digital',
      ...DEMO_ARTISTS,
      ...extra.studio,
      ...extra.artist,
      ...extra.organization,
    ])
    .execute();
  const id = new Map(rows.map((r) => [r.slug, r.id]));
  const need = (slug: string) => {
    const v = id.get(slug);
    if (!v) throw new Error(`seed --scale needs the demo data first (account "${slug}" is missing): run seed --demo`);
    return v;
  };
  const artists = [...DEMO_ARTISTS, ...extra.artist].map(need);
  await tx
    .insertInto('artist_profiles')
    .values(
      extra.artist.map((slug) => ({
        account_id: need(slug),
        country: 'DE',
        onboarding_status: 'complete',
        charges_enabled: true,
        payouts_enabled: true,
        details_submitted: true,
      })),
    )
    .onConflict((oc) => oc.column('account_id').doNothing())
    .execute();
  const provider = need('skywalker-digital');
  const ledger = async (kind: 'provider_funding' | 'provider_delivered') => {
    await sql`insert into ledger_accounts (kind, provider_account_id) values (${kind}, ${provider})
      on conflict (provider_account_id, kind) where kind <> 'org_lot' do nothing`.execute(tx);
    return (
      await tx
        .selectFrom('ledger_accounts')
        .select('id')
        .where('provider_account_id', '=', provider)
        .where('kind', '=', kind)
        .executeTakeFirstOrThrow()
    ).id;
  };
  return {
    lumen: need('lumen-photography'),
    studios: extra.studio.map(need),
    artists,
    acme: need('acme-corp'),
    orgs: extra.organization.map(need),
    provider,
    funding: await ledger('provider_funding'),
    delivered: await ledger('provider_delivered'),
  };
}

// Seeded rows carry `metadata.seed = 'scale'` (orders, jobs) or a recognisable title, so a rerun counts them.
async function countSeeded(tx: DB): Promise<ScaleCounts> {
  const orders = await sql<{ offering_type: string; n: string }>`
    select offering_type, count(*) as n from orders where metadata @> '{"seed":"scale"}' group by offering_type`.execute(
    tx,
  );
  const byType = new Map(orders.rows.map((r) => [r.offering_type, Number(r.n)]));
  const one = async (q: ReturnType<typeof sql<{ n: string }>>) => Number((await q.execute(tx)).rows[0]?.n ?? 0);
  return {
    printOrders: byType.get('print') ?? 0,
    sales: byType.get('artwork') ?? 0,
    creditPurchases: byType.get('credit_bundle') ?? 0,
    artworks: await one(sql<{ n: string }>`select count(*) as n from artworks where title like 'Scale study no. %'`),
    jobs: await one(sql<{ n: string }>`select count(*) as n from jobs where payload @> '{"seed":"scale"}'`),
  };
}

// Six in ten published originals, two in ten sold originals, two in ten editions of 100 (the sales' pool).
async function insertArtworks(tx: DB, t: Tenants, now: Date, from: number, to: number) {
  await sql`
    insert into artworks (account_id, title, description, medium, width_mm, height_mm, year, price_amount, currency,
      edition_type, edition_size, status, published_at, created_at, updated_at)
    select (${t.artists}::uuid[])[1 + j % ${t.artists.length}], 'Scale study no. ' || j,
      'A study from the scale data set.', (${MEDIUMS}::text[])[1 + j % ${MEDIUMS.length}],
      300 + (j % 12) * 50, 400 + (j % 9) * 50, 1990 + j % 36, 20000 + ((j::bigint * 7919) % 1000) * 250, 'eur',
      case when j % 10 >= 8 then 'edition' else 'original' end, case when j % 10 >= 8 then 100 end,
      case when j % 10 in (6, 7) then 'sold' else 'published' end, ${at(now, sql`j`, 365 * 1440)},
      ${at(now, sql`j`, 365 * 1440)} - interval '1 day', ${now}
    from generate_series(${from}::int, ${to - 1}::int) j`.execute(tx);
}

async function insertPrintOrders(tx: DB, t: Tenants, now: Date, from: number, to: number) {
  await sql`
    with o as (
      insert into orders (account_id, buyer_email, offering_type, currency, subtotal, total, status, paid_at,
        created_at, updated_at, metadata)
      select case when i % 3 < 2 then ${t.lumen}::uuid else (${t.studios}::uuid[])[1 + i % ${t.studios.length}] end,
        'buyer' || i || '@print.scale.example', 'print', 'eur', 1500 + (i % 20) * 500, 1500 + (i % 20) * 500,
        s.status, case when s.status in ('paid', 'fulfilled') then c.at + interval '2 minutes' end, c.at, c.at,
        jsonb_build_object('seed', 'scale', 'i', i)
      from generate_series(${from}::int, ${to - 1}::int) i
      cross join lateral (select ${at(now, sql`i`)} as at) c
      cross join lateral (select case when i % 20 = 0 then 'pending' when i % 20 = 1 then 'expired'
        when i % 20 < 11 then 'fulfilled' else 'paid' end as status) s
      returning id, account_id, subtotal, status, created_at, (metadata ->> 'i')::int as i
    ),
    items as (
      insert into order_items (order_id, account_id, name, unit_amount, quantity, line_total)
      select id, account_id, 'Fine art print, 30 × 40 cm, matte', subtotal, 1, subtotal from o
    )
    insert into print_fulfilments (order_id, account_id, status, buyer_name, created_at, updated_at)
    select id, account_id, case when status = 'fulfilled' then 'shipped' else 'paid' end, 'Scale Buyer ' || i,
      created_at, created_at
    from o where status in ('paid', 'fulfilled')`.execute(tx);
}

// Sale k belongs to block k / 35 of ten artworks: two sold originals (once each) and two editions (the rest).
async function insertSales(tx: DB, now: Date, from: number, to: number) {
  await sql`
    with pick as (
      select k, a.id as artwork_id, a.account_id, a.price_amount, ${at(now, sql`k`, 365 * 1440)} + interval '1 day' as at
      from generate_series(${from}::int, ${to - 1}::int) k
      join artworks a on a.title = 'Scale study no. ' || (10 * (k / 35) + case when k % 35 < 2 then 6 + k % 35
        else 8 + k % 2 end)
    ),
    least_at as (select k, artwork_id, account_id, price_amount, least(at, ${now}::timestamptz) as at from pick),
    o as (
      insert into orders (account_id, buyer_email, offering_type, currency, subtotal, total, status, paid_at,
        created_at, updated_at, metadata, stripe_checkout_session_id)
      select account_id, 'collector' || k || '@art.scale.example', 'artwork', 'eur', price_amount, price_amount,
        case when k % 10 < 7 then 'fulfilled' else 'paid' end, at, at - interval '3 minutes', at,
        jsonb_build_object('seed', 'scale', 'i', k), 'cs_scale_' || k
      from least_at
      returning id, (metadata ->> 'i')::int as k
    )
    insert into marketplace_sales (order_id, account_id, artwork_id, buyer_email, buyer_name, currency, price_amount,
      amount, platform_fee, artist_amount, fee_bps, status, shipped_at, delivered_at, return_window_ends_at,
      created_at, updated_at)
    select o.id, p.account_id, p.artwork_id, 'collector' || p.k || '@art.scale.example', 'Collector ' || p.k, 'eur',
      p.price_amount, p.price_amount, p.price_amount / 2, p.price_amount - p.price_amount / 2, 5000,
      case when p.k % 10 < 4 then 'delivered' when p.k % 10 < 7 then 'shipped' else 'paid' end,
      case when p.k % 10 < 7 then p.at + interval '2 days' end, case when p.k % 10 < 4 then p.at + interval '5 days' end,
      case when p.k % 10 < 4 then p.at + interval '12 days' end, p.at, p.at
    from o join least_at p on p.k = o.k`.execute(tx);
}

// Each purchase: a paid order, a lot of 600 minutes (its own ledger account and purchase posting), then nine
// consumptions of 30 minutes from it, each a usage row and a posting of two entries.
async function insertCreditPurchases(tx: DB, t: Tenants, now: Date, from: number, to: number) {
  const span = 690 * 1440; // within the last 23 months, so no lot has expired yet
  await sql`
    create temp table scale_lots on commit drop as
    select l, gen_random_uuid() as order_id, gen_random_uuid() as account_id, gen_random_uuid() as lot_id,
      gen_random_uuid() as posting_id, ${at(now, sql`l`, span)} as at,
      case when l % 2 = 0 then ${t.acme}::uuid else (${t.orgs}::uuid[])[1 + (l / 2) % ${t.orgs.length}] end as org
    from generate_series(${from}::int, ${to - 1}::int) l`.execute(tx);
  await sql`
    insert into orders (id, account_id, buyer_email, offering_type, currency, subtotal, total, status, paid_at,
      created_at, updated_at, metadata)
    select order_id, ${t.provider}, 'buyer' || l || '@credits.scale.example', 'credit_bundle', 'eur', 120000, 120000,
      'fulfilled', at, at, at, jsonb_build_object('seed', 'scale', 'i', l, 'organization_id', org,
        'service_provider_id', ${t.provider}::uuid, 'minutes', 600)
    from scale_lots`.execute(tx);
  await sql`
    insert into order_items (order_id, account_id, name, unit_amount, quantity, line_total)
    select order_id, ${t.provider}, 'Ten-hour bundle (10 h)', 120000, 1, 120000 from scale_lots`.execute(tx);
  await sql`
    insert into ledger_accounts (id, kind, provider_account_id, organization_account_id, created_at)
    select account_id, 'org_lot', ${t.provider}, org, at from scale_lots`.execute(tx);
  await sql`
    insert into credit_lots (id, organization_account_id, provider_account_id, ledger_account_id, order_id,
      minutes_granted, balance_minutes, expires_at, created_at)
    select lot_id, org, ${t.provider}, account_id, order_id, 600, 0, at + interval '24 months', at
    from scale_lots`.execute(tx);
  await sql`
    insert into ledger_postings (id, reason, reference, created_at, created_by)
    select posting_id, 'purchase', 'order:' || order_id, at, 'system:grant' from scale_lots`.execute(tx);
  await sql`
    insert into ledger_entries (posting_id, ledger_account_id, amount_minutes, created_at)
    select posting_id, account_id, 600, at from scale_lots
    union all select posting_id, ${t.funding}, -600, at from scale_lots`.execute(tx);
  await sql`
    insert into provider_customers (provider_account_id, organization_account_id, first_purchase_at)
    select ${t.provider}, org, min(at) from scale_lots group by org
    on conflict (provider_account_id, organization_account_id) do nothing`.execute(tx);
  await sql`
    create temp table scale_usage on commit drop as
    select l.org, l.account_id, gen_random_uuid() as usage_id, gen_random_uuid() as posting_id, n,
      least(l.at + n * interval '3 days', ${now}::timestamptz) as at
    from scale_lots l cross join generate_series(1, 9) n`.execute(tx);
  await sql`
    insert into ledger_postings (id, reason, reference, created_at, created_by)
    select posting_id, 'consumption', 'usage:' || usage_id, at, 'system' from scale_usage`.execute(tx);
  await sql`
    insert into ledger_entries (posting_id, ledger_account_id, amount_minutes, created_at)
    select posting_id, account_id, -30, at from scale_usage
    union all select posting_id, ${t.delivered}, 30, at from scale_usage`.execute(tx);
  await sql`
    insert into credit_usage (id, provider_account_id, organization_account_id, minutes, note, worked_on, posting_id,
      created_at)
    select usage_id, ${t.provider}, org, 30, 'Session ' || n, at::date, posting_id, at from scale_usage`.execute(tx);
}

// Mostly finished work from the last six days (inside the retention, so pruning keeps it), some failed, and one
// in a hundred scheduled weeks ahead: the claim must skip all of it without reading it.
async function insertJobs(tx: DB, now: Date, from: number, to: number) {
  await sql`
    insert into jobs (name, payload, status, attempts, run_at, created_at, finished_at, last_error)
    select 'scale.sample', jsonb_build_object('seed', 'scale', 'i', j), s.status,
      case when s.status = 'queued' then 0 else 1 end,
      case when s.status = 'queued' then ${now}::timestamptz + (30 + j % 30) * interval '1 day' else c.at end,
      c.at, case when s.status <> 'queued' then c.at + interval '1 second' end,
      case when s.status = 'failed' then 'sample failure' end
    from generate_series(${from}::int, ${to - 1}::int) j
    cross join lateral (select ${at(now, sql`j`, 6 * 1440)} as at) c
    cross join lateral (select case when j % 100 = 0 then 'queued' when j % 100 = 1 then 'failed' else 'done' end
      as status) s`.execute(tx);
}
