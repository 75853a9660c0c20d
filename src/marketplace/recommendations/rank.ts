import { sql } from 'kysely';
import type { Clock } from '../../clock.ts';
import { withAnon, withUser } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { notFound } from '../../errors.ts';
import { publicArtworksByIds } from '../artworks/catalog.ts';
import type { ArtworkOutT } from '../schema.ts';
import { type Medium, media } from '../tables.ts';
import type { PaletteColour } from './features.ts';
import { BLOCK_WEIGHTS, COLOUR_DIMS, cosine, keywordsOf, queryVector, TEXT_DIMS, VECTOR_DIMS } from './features.ts';
import { vectorSearchAvailable } from './store.ts';

/*
 * Ranking (decision 027). Candidates come from nearest-neighbour search on the feature vectors (pgvector's HNSW index
 * where installed, an exact scan of artwork_features otherwise: same vectors, same cosine), are re-scored exactly,
 * diversified (at most two works of one artist per page) and explained from the blocks that matched.
 *
 * The catalog side is read as anon (RLS decides which artworks and features exist; a signed-in patron's own RLS
 * shows only their own accounts' works), the patron's side (saves, views, orders, memberships) as the patron, each in
 * its own short transaction; the status filter keeps only works one can buy now (not sold, reserved or a draft).
 */

export type ReasonKind = 'medium' | 'palette' | 'keywords' | 'price' | 'size' | 'text' | 'overall';
export interface Reason {
  kind: ReasonKind;
  text: string;
}
export interface Recommendation {
  artwork: ArtworkOutT;
  /** Cosine similarity to what it was matched against, 0–1. */
  score: number;
  /** The reasons joined into one sentence for display. */
  reason: string;
  reasons: Reason[];
}

/** The features of one artwork, as ranking and reasons use them. */
interface Features {
  id: string;
  accountId: string;
  title: string;
  medium: string;
  priceAmount: number;
  vec: number[];
  keywords: string[];
  palette: PaletteColour[];
  priceBand: number;
  sizeBand: number | null;
}

/** A work the match is explained against: the one on screen, or one the patron saved, bought or viewed. */
interface Anchor {
  features: Features;
  /** "you saved", "you bought", "you viewed"; absent for "similar to this work". */
  verb?: string;
}

const MAX_PER_ARTIST = 2;
const DEFAULT_LIMIT = 12;
/** Below this a search result shares nothing in particular with the words (a medium alone scores about .25). */
const MIN_SEARCH_SCORE = 0.15;
/** Below this a similar or "for you" pick is not alike in any way a reason could name. */
const MIN_SCORE = 0.2;

function featuresQuery(db: DB) {
  return db
    .selectFrom('artwork_features as f')
    .innerJoin('artworks as w', 'w.id', 'f.artwork_id')
    .select([
      'f.artwork_id as id',
      'w.account_id',
      'w.title',
      'w.medium',
      'w.price_amount',
      'f.vec',
      'f.keywords',
      'f.palette',
      'f.price_band',
      'f.size_band',
    ]);
}

type FeatureRow = Awaited<ReturnType<ReturnType<typeof featuresQuery>['execute']>>[number];

function toFeatures(r: FeatureRow): Features {
  return {
    id: r.id,
    accountId: r.account_id,
    title: r.title,
    medium: r.medium,
    priceAmount: Number(r.price_amount),
    vec: r.vec.map(Number),
    keywords: r.keywords,
    palette: r.palette ?? [],
    priceBand: r.price_band,
    sizeBand: r.size_band,
  };
}

async function loadFeatures(db: DB, ids: string[]): Promise<Map<string, Features>> {
  if (!ids.length) return new Map();
  const rows = await featuresQuery(db).where('f.artwork_id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, toFeatures(r)]));
}

interface Exclusions {
  ids: string[];
  accountIds: string[];
}

/** What a search narrows to (prices in minor units). */
export interface SearchFilters {
  medium?: Medium | null;
  minPrice?: number | null;
  maxPrice?: number | null;
}

/**
 * The `k` buyable artworks nearest to `query`, with their features, nearest first. pgvector where available (the
 * search widens ef_search to k so filters after the index scan still leave enough), else an exact scan.
 */
async function nearest(db: DB, query: number[], k: number, ex: Exclusions, f: SearchFilters = {}): Promise<Features[]> {
  const medium = f.medium ?? null;
  const minPrice = f.minPrice ?? null;
  const maxPrice = f.maxPrice ?? null;
  if (await vectorSearchAvailable(db)) {
    await sql`select set_config('hnsw.ef_search', ${String(Math.min(1000, Math.max(40, k * 2)))}, true)`.execute(db);
    const literal = `[${query.join(',')}]`;
    const ids = await sql<{ id: string }>`
      select v.artwork_id as id
      from recs.artwork_vectors v
      join artworks w on w.id = v.artwork_id
      join accounts acc on acc.id = w.account_id
      where w.status = 'published' and acc.suspended_at is null
        and not (v.artwork_id = any(${ex.ids}::uuid[]))
        and not (w.account_id = any(${ex.accountIds}::uuid[]))
        and (${medium}::text is null or w.medium::text = ${medium}::text)
        and (${minPrice}::bigint is null or w.price_amount >= ${minPrice}::bigint)
        and (${maxPrice}::bigint is null or w.price_amount <= ${maxPrice}::bigint)
      order by v.embedding <=> ${literal}::vector
      limit ${k}`.execute(db);
    const byId = await loadFeatures(
      db,
      ids.rows.map((r) => r.id),
    );
    return ids.rows.flatMap((r) => byId.get(r.id) ?? []);
  }
  // No pgvector: the same ranking by an exact scan of every buyable artwork's stored vector.
  let q = featuresQuery(db)
    .innerJoin('accounts as acc', 'acc.id', 'w.account_id')
    .where('w.status', '=', 'published')
    .where('acc.suspended_at', 'is', null);
  if (ex.ids.length) q = q.where('f.artwork_id', 'not in', ex.ids);
  if (ex.accountIds.length) q = q.where('w.account_id', 'not in', ex.accountIds);
  if (medium) q = q.where('w.medium', '=', medium);
  if (minPrice !== null) q = q.where('w.price_amount', '>=', String(minPrice));
  if (maxPrice !== null) q = q.where('w.price_amount', '<=', String(maxPrice));
  // Stored vectors are unit length, so the dot product orders as the cosine does; computed in the database, only the
  // k nearest rows travel (doubles, so near-ties order as the exact re-scoring after this does).
  const rows = await q
    .orderBy(sql`(select sum(x::float8 * y) from unnest(f.vec, ${query}::float8[]) as t(x, y))`, 'desc')
    .orderBy('f.artwork_id')
    .limit(k)
    .execute();
  return rows.map(toFeatures);
}

/**
 * Drops candidates too far from the best to be worth showing (a small catalog would otherwise fill a page with works
 * that share nothing in particular): below a fixed floor, or under 45 % of the best score.
 */
export function relevant<T extends { score: number }>(ranked: T[]): T[] {
  const floor = Math.max(MIN_SCORE, (ranked[0]?.score ?? 0) * 0.45);
  return ranked.filter((r) => r.score >= floor);
}

/** Picks by score, at most two works per artist while others remain, so no page is one artist's. */
export function diversify<T extends { accountId: string; score: number }>(ranked: T[], limit: number): T[] {
  const picked: T[] = [];
  const perArtist = new Map<string, number>();
  const held: T[] = [];
  for (const r of ranked) {
    if (picked.length >= limit) break;
    const n = perArtist.get(r.accountId) ?? 0;
    if (n >= MAX_PER_ARTIST) {
      held.push(r);
      continue;
    }
    perArtist.set(r.accountId, n + 1);
    picked.push(r);
  }
  // Too few other artists to fill the page: the best of the held-back works complete it.
  for (const r of held) if (picked.length < limit) picked.push(r);
  return picked;
}

const blocks = {
  text: [0, TEXT_DIMS],
  colour: [TEXT_DIMS, TEXT_DIMS + COLOUR_DIMS],
} as const;
const slice = (v: number[], [a, b]: readonly [number, number]) => v.slice(a, b);

const mediumLabel = (m: string) => m.replace('_', ' ');
const isMediumWord = (w: string) => media.some((m) => m === w || m.replace('_', ' ') === w);
const quoted = (title: string) => `“${title}”`;

/** The reasons a candidate matches an anchor, strongest first, at most three; always at least one. */
export function explain(candidate: Features, anchor: Anchor, priceRange?: [number, number] | null): Reason[] {
  const a = anchor.features;
  const ref = anchor.verb ? `${quoted(a.title)}, which ${anchor.verb}` : null;
  const found: Array<Reason & { weight: number }> = [];
  if (candidate.medium === a.medium) {
    const text = ref
      ? `same medium as ${ref}`
      : `also ${/^[aeiou]/.test(a.medium) ? 'an' : 'a'} ${mediumLabel(a.medium)}`;
    found.push({ kind: 'medium', text, weight: BLOCK_WEIGHTS.medium });
  }
  const colourSim = cosine(slice(candidate.vec, blocks.colour), slice(a.vec, blocks.colour));
  const shared = candidate.palette
    .slice(0, 3)
    .map((c) => c.name)
    .find((n) => a.palette.slice(0, 3).some((c) => c.name === n));
  if (shared && colourSim > 0.6) {
    found.push({ kind: 'palette', text: `similar ${shared} palette`, weight: BLOCK_WEIGHTS.colour * colourSim });
  }
  // The medium has its own reason: "painting" as a shared keyword would say it twice.
  const words = candidate.keywords.filter((w) => a.keywords.includes(w) && !isMediumWord(w)).slice(0, 2);
  if (words.length) {
    found.push({
      kind: 'keywords',
      text: `both about ${words.map(quoted).join(' and ')}`,
      weight: BLOCK_WEIGHTS.text * (0.5 + 0.25 * words.length),
    });
  } else {
    const textSim = cosine(slice(candidate.vec, blocks.text), slice(a.vec, blocks.text));
    if (textSim > 0.3)
      found.push({ kind: 'text', text: 'a similar description', weight: BLOCK_WEIGHTS.text * textSim });
  }
  if (priceRange) {
    if (candidate.priceAmount >= priceRange[0] && candidate.priceAmount <= priceRange[1]) {
      found.push({ kind: 'price', text: 'in your price range', weight: BLOCK_WEIGHTS.price });
    }
  } else if (candidate.priceBand === a.priceBand) {
    found.push({ kind: 'price', text: 'a similar price', weight: BLOCK_WEIGHTS.price });
  }
  if (candidate.sizeBand !== null && candidate.sizeBand === a.sizeBand && found.length < 3) {
    found.push({ kind: 'size', text: 'a similar size', weight: BLOCK_WEIGHTS.size });
  }
  const top = found.sort((x, y) => y.weight - x.weight).slice(0, 3);
  if (!top.length) return [{ kind: 'overall', text: ref ? `close to ${ref}` : 'close to this work overall' }];
  return top.map(({ kind, text }) => ({ kind, text }));
}

function sentence(reasons: Reason[]): string {
  const s = reasons.map((r) => r.text).join('; ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

async function present(
  db: DB,
  scored: Array<{ f: Features; score: number; reasons: Reason[] }>,
): Promise<Recommendation[]> {
  const artworks = await publicArtworksByIds(
    db,
    scored.map((s) => s.f.id),
  );
  const byId = new Map(artworks.map((a) => [a.id, a]));
  return scored.flatMap((s) => {
    const artwork = byId.get(s.f.id);
    if (!artwork) return [];
    const score = Math.round(Math.max(0, s.score) * 1000) / 1000;
    return [{ artwork, score, reason: sentence(s.reasons), reasons: s.reasons }];
  });
}

/** Accounts the viewer is a member of: their own works are never recommended to them. */
async function ownAccounts(db: DB, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('memberships').select('account_id').where('user_id', '=', userId).execute();
  return rows.map((r) => r.account_id);
}

/** The signed-in viewer's accounts (read as them), whose works are never shown to them; none for a guest. */
function viewerAccounts(db: DB, viewerId: string | null): Promise<string[]> {
  return viewerId ? withUser(db, { sub: viewerId }, (tx) => ownAccounts(tx, viewerId)) : Promise.resolve([]);
}

/**
 * Works like this public one, buyable now, not the viewer's own (`viewerId`, when signed in), each with why. Takes
 * the root connection (see the top of this file).
 */
export async function similarArtworks(
  db: DB,
  artworkId: string,
  opts: { viewerId?: string | null; limit?: number } = {},
): Promise<Recommendation[]> {
  const limit = opts.limit ?? DEFAULT_LIMIT;
  const viewerId = opts.viewerId ?? null;
  const own = await viewerAccounts(db, viewerId);
  return withAnon(db, async (tx) => {
    const anchor = (await loadFeatures(tx, [artworkId])).get(artworkId);
    if (!anchor) {
      const visible = await tx.selectFrom('artworks').select('id').where('id', '=', artworkId).executeTakeFirst();
      if (!visible) throw notFound('Artwork', { artworkId });
      return []; // Public, but its features are not computed yet (the job runs within minutes of a change).
    }
    const candidates = await nearest(tx, anchor.vec, limit * 6, { ids: [artworkId], accountIds: own });
    const ranked = candidates
      .map((f) => ({ f, accountId: f.accountId, score: cosine(anchor.vec, f.vec) }))
      .sort((a, b) => b.score - a.score || a.f.id.localeCompare(b.f.id));
    const page = diversify(relevant(ranked), limit).map((r) => ({ ...r, reasons: explain(r.f, { features: anchor }) }));
    return present(tx, page);
  });
}

/** How much each kind of signal says about taste, and how fast it fades. */
const SIGNAL_WEIGHT = { bought: 5, saved: 3, viewed: 1 } as const;
const HALF_LIFE_DAYS = 30;

interface Signal {
  artworkId: string;
  kind: keyof typeof SIGNAL_WEIGHT;
  at: Date;
}

/** The patron's saves, purchases and views (their own rows, by RLS). */
async function signalsOf(db: DB, userId: string): Promise<Signal[]> {
  const [saves, views, bought] = await Promise.all([
    db.selectFrom('artwork_saves').select(['artwork_id', 'created_at']).where('user_id', '=', userId).execute(),
    db
      .selectFrom('artwork_views')
      .select(['artwork_id', 'viewed_at'])
      .where('user_id', '=', userId)
      .orderBy('viewed_at', 'desc')
      .limit(200)
      .execute(),
    // The patron's own paid artwork orders (orders' RLS shows a buyer theirs; sales are the artist's to read).
    db
      .selectFrom('orders')
      .select([sql<string>`metadata->>'artwork_id'`.as('artwork_id'), 'created_at'])
      .where('buyer_user_id', '=', userId)
      .where('offering_type', '=', 'artwork')
      .where('paid_at', 'is not', null)
      .execute(),
  ]);
  return [
    ...bought
      .filter((r) => r.artwork_id)
      .map((r) => ({ artworkId: r.artwork_id, kind: 'bought' as const, at: r.created_at })),
    ...saves.map((r) => ({ artworkId: r.artwork_id, kind: 'saved' as const, at: r.created_at })),
    ...views.map((r) => ({ artworkId: r.artwork_id, kind: 'viewed' as const, at: r.viewed_at })),
  ];
}

const verbs = { bought: 'you bought', saved: 'you saved', viewed: 'you viewed' } as const;

/**
 * "For you": the patron's taste (saves, purchases and views, weighted and halved every 30 days) as one vector; the
 * nearest buyable works they haven't saved, bought, viewed or made; each explained against the work of theirs it is most
 * like, and the price range of what they liked. Empty when there is nothing to go on yet. Takes the root connection.
 */
export async function recommendedFor(
  db: DB,
  userId: string,
  clock: Clock,
  opts: { limit?: number } = {},
): Promise<Recommendation[]> {
  const { signals, own } = await withUser(db, { sub: userId }, async (tx) => ({
    signals: await signalsOf(tx, userId),
    own: await ownAccounts(tx, userId),
  }));
  if (!signals.length) return [];
  return withAnon(db, (tx) => rankForTaste(tx, signals, own, clock, opts.limit ?? DEFAULT_LIMIT));
}

async function rankForTaste(
  db: DB,
  signals: Signal[],
  own: string[],
  clock: Clock,
  limit: number,
): Promise<Recommendation[]> {
  const known = [...new Set(signals.map((s) => s.artworkId))];
  const features = await loadFeatures(db, known);
  const now = clock.now().getTime();
  const weighted = signals.flatMap((s) => {
    const f = features.get(s.artworkId);
    if (!f) return [];
    const ageDays = Math.max(0, now - s.at.getTime()) / 86_400_000;
    return [{ s, f, w: SIGNAL_WEIGHT[s.kind] * 0.5 ** (ageDays / HALF_LIFE_DAYS) }];
  });
  if (!weighted.length) return [];
  const taste = new Array<number>(VECTOR_DIMS).fill(0);
  for (const { f, w } of weighted) for (let i = 0; i < VECTOR_DIMS; i++) taste[i] += w * f.vec[i];
  const prices = weighted.map((x) => x.f.priceAmount);
  const range: [number, number] = [Math.min(...prices) * 0.6, Math.max(...prices) * 1.4];
  // Works the patron already knows (saved, bought, looked at) make room for ones they haven't seen.
  const ex = { ids: known, accountIds: own };
  const candidates = await nearest(db, taste, limit * 6, ex);
  const ranked = candidates
    .map((f) => {
      // The patron's work this one is most like, counting how much that work says about their taste.
      let best = weighted[0];
      let bestScore = -1;
      for (const x of weighted) {
        const s = cosine(f.vec, x.f.vec) * (0.5 + 0.5 * (x.w / SIGNAL_WEIGHT.bought));
        if (s > bestScore && x.f.id !== f.id) {
          bestScore = s;
          best = x;
        }
      }
      return { f, accountId: f.accountId, score: cosine(taste, f.vec), anchor: best };
    })
    .sort((a, b) => b.score - a.score || a.f.id.localeCompare(b.f.id));
  const page = diversify(relevant(ranked), limit).map((r) => ({
    ...r,
    reasons: explain(r.f, { features: r.anchor.f, verb: verbs[r.anchor.s.kind] }, range),
  }));
  return present(db, page);
}

/**
 * Buyable works matching a search in words ("blue abstract paintings"), most relevant first, each saying what
 * matched; filters are exact. The patron assistant's `search_artworks`. Takes the root connection.
 */
export async function searchArtworks(
  db: DB,
  query: string,
  opts: SearchFilters & { viewerId?: string | null; limit?: number } = {},
): Promise<Recommendation[]> {
  const limit = opts.limit ?? DEFAULT_LIMIT;
  const viewerId = opts.viewerId ?? null;
  const own = await viewerAccounts(db, viewerId);
  const vec = queryVector(query, opts.medium ?? null);
  const words = keywordsOf(query, 20);
  return withAnon(db, async (tx) => {
    const candidates = await nearest(tx, vec, limit * 4, { ids: [], accountIds: own }, opts);
    const ranked = candidates
      .map((f) => ({ f, accountId: f.accountId, score: cosine(vec, f.vec) }))
      .sort((a, b) => b.score - a.score || a.f.id.localeCompare(b.f.id));
    // A search ranks by relevance (no per-artist cap: all of the matching works are wanted) and drops what only
    // shares nothing in particular with it.
    const floor = Math.max(MIN_SEARCH_SCORE, (ranked[0]?.score ?? 0) * 0.4);
    const page = ranked
      .filter((r) => r.score >= floor)
      .slice(0, limit)
      .map((r) => ({ ...r, reasons: explainSearch(r.f, words, vec) }));
    return present(tx, page);
  });
}

/** Why a work matched a search: the words it shares, the colour named, the medium asked for. */
function explainSearch(f: Features, words: string[], query: number[]): Reason[] {
  const out: Reason[] = [];
  const shared = f.keywords.filter((w) => words.includes(w)).slice(0, 3);
  if (shared.length) out.push({ kind: 'keywords', text: `about ${shared.map(quoted).join(', ')}` });
  const colour = f.palette.slice(0, 3).find((c) => words.includes(c.name));
  if (colour) out.push({ kind: 'palette', text: `mostly ${colour.name}` });
  const mediumBlock = query.slice(TEXT_DIMS + COLOUR_DIMS, TEXT_DIMS + COLOUR_DIMS + 9);
  if (mediumBlock.some((x) => x > 0) && words.some((w) => f.medium.startsWith(w))) {
    out.push({ kind: 'medium', text: `${/^[aeiou]/.test(f.medium) ? 'an' : 'a'} ${mediumLabel(f.medium)}` });
  }
  return out.length ? out : [{ kind: 'overall', text: 'close to your search overall' }];
}
