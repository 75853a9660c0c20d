import { type Insertable, sql } from 'kysely';
import type { Clock } from '../../clock.ts';
import { withService } from '../../db/tenancy.ts';
import type { Database, DB } from '../../db/types.ts';
import type { TextEmbedder } from '../../llm/index.ts';
import type { StorageSettings } from '../../storage/index.ts';
import { publicStatuses } from '../artworks/artworks.ts';
import { readImageFile, variantKey } from '../artworks/images.ts';
import type { Medium } from '../tables.ts';
import {
  artworkText,
  BUILTIN_TEXT_MODEL,
  featureVector,
  hashedTextEmbedding,
  imageHistogram,
  keywordsOf,
  paletteOf,
  priceBand,
  projectEmbedding,
  sizeBand,
  textHash,
} from './features.ts';

/** Whether the pgvector table exists here (PGlite, Supabase) or ranking runs from the real[] column. */
export async function vectorSearchAvailable(db: DB): Promise<boolean> {
  const { rows } = await sql<{ ok: boolean }>`select to_regclass('recs.artwork_vectors') is not null as ok`.execute(db);
  return Boolean(rows[0]?.ok);
}

interface Stale {
  id: string;
  title: string;
  description: string;
  medium: Medium;
  price_amount: string;
  width_mm: number | null;
  height_mm: number | null;
  updated_at: Date;
  statement: string | null;
  image_id: string | null;
  storage_key: string | null;
  text_hash: string | null;
  text_model: string | null;
  old_image_id: string | null;
}

/** Artworks whose features are missing, older than the artwork or its primary image, or from another embedder. Service role. */
function staleArtworks(db: DB, limit: number, model: string) {
  return (
    db
      .selectFrom('artworks as w')
      .leftJoin('artwork_features as f', 'f.artwork_id', 'w.id')
      .leftJoin('artwork_images as i', (j) => j.onRef('i.artwork_id', '=', 'w.id').on('i.is_primary', '=', true))
      .leftJoin('artist_applications as app', (j) =>
        j.onRef('app.artist_account_id', '=', 'w.account_id').on('app.status', '=', 'approved'),
      )
      .select([
        'w.id',
        'w.title',
        'w.description',
        'w.medium',
        'w.price_amount',
        'w.width_mm',
        'w.height_mm',
        'w.updated_at',
        'app.statement',
        'i.id as image_id',
        'i.storage_key',
        'f.text_hash',
        'f.text_model',
        'f.image_id as old_image_id',
      ])
      // Only works the public can see are ever recommended or matched against.
      .where('w.status', 'in', publicStatuses)
      .where((eb) =>
        eb.or([
          eb('f.artwork_id', 'is', null),
          // At millisecond precision: computed_at comes from a JS Date, updated_at may carry microseconds.
          sql<boolean>`f.computed_at < date_trunc('milliseconds', w.updated_at)`,
          eb('f.image_id', 'is distinct from', eb.ref('i.id')),
          // EMBEDDINGS_MODEL was set, changed or unset since: the text block must come from the current embedder.
          eb('f.text_model', '!=', model),
        ]),
      )
      .orderBy('w.id')
      .limit(limit)
      .execute() as Promise<Stale[]>
  );
}

/**
 * Computes features for up to `limit` stale artworks and stores them; returns how many it wrote. Reads and writes
 * in short transactions; images are read from storage and texts embedded (maybe by a model, over the network) with
 * no transaction open. A text whose hash didn't change keeps its vector block from the stored row's embedder.
 */
export async function refreshFeatures(
  db: DB,
  storage: StorageSettings,
  clock: Clock,
  opts: { embedder?: TextEmbedder | null; limit?: number } = {},
): Promise<number> {
  if (db.isTransaction) throw new Error('refreshFeatures reads storage and may call a model: run it outside any tx');
  const model = opts.embedder?.model ?? BUILTIN_TEXT_MODEL;
  const rows = await withService(db, (tx) => staleArtworks(tx, opts.limit ?? 200, model));
  if (!rows.length) return 0;
  const texts = rows.map((r) => artworkText(r));
  const embedded = new Map<number, number[]>();
  if (opts.embedder) {
    const cached = await withService(db, (tx) =>
      tx
        .selectFrom('embedding_cache')
        .select(['content_hash', 'vector'])
        .where('model', '=', model)
        .where(
          'content_hash',
          'in',
          texts.map((t) => textHash(t, model)),
        )
        .execute(),
    );
    const byHash = new Map(cached.map((c) => [c.content_hash, c.vector]));
    const missing = texts.map((t, i) => ({ t, i })).filter(({ t }) => !byHash.has(textHash(t, model)));
    if (missing.length) {
      const vectors = await opts.embedder.embed(missing.map((m) => m.t));
      await withService(db, (tx) =>
        tx
          .insertInto('embedding_cache')
          .values(missing.map((m, k) => ({ content_hash: textHash(m.t, model), model, vector: vectors[k] })))
          .onConflict((oc) => oc.columns(['content_hash', 'model']).doNothing())
          .execute(),
      );
      for (const [k, m] of missing.entries()) byHash.set(textHash(m.t, model), vectors[k]);
    }
    for (const [i, t] of texts.entries()) embedded.set(i, projectEmbedding(byHash.get(textHash(t, model)) as number[]));
  }
  const computed: Insertable<Database['artwork_features']>[] = [];
  for (const [i, r] of rows.entries()) {
    const bytes = r.storage_key ? await readImageFile(storage, variantKey(r.storage_key, 'thumb')) : null;
    const histogram = bytes ? await imageHistogram(bytes) : null;
    const price = Number(r.price_amount);
    const parts = {
      text: embedded.get(i) ?? hashedTextEmbedding(texts[i]),
      histogram,
      medium: r.medium,
      priceBand: priceBand(price),
      sizeBand: sizeBand(r.width_mm, r.height_mm),
    };
    computed.push({
      artwork_id: r.id,
      vec: featureVector(parts),
      text_hash: textHash(texts[i], model),
      text_model: model,
      keywords: keywordsOf(`${r.title} ${r.description}`),
      palette: JSON.stringify(histogram ? paletteOf(histogram) : []),
      price_band: parts.priceBand,
      size_band: parts.sizeBand,
      image_id: r.image_id,
      // Never older than the artwork (a test clock may run behind the database's now()), or it would stay stale.
      computed_at: new Date(Math.max(clock.now().getTime(), new Date(r.updated_at).getTime())),
    });
  }
  const vectors = await vectorSearchAvailable(db);
  await withService(db, async (tx) => {
    for (const row of computed) {
      await tx
        .insertInto('artwork_features')
        .values(row)
        .onConflict((oc) =>
          oc.column('artwork_id').doUpdateSet((eb) => ({
            vec: eb.ref('excluded.vec'),
            text_hash: eb.ref('excluded.text_hash'),
            text_model: eb.ref('excluded.text_model'),
            keywords: eb.ref('excluded.keywords'),
            palette: eb.ref('excluded.palette'),
            price_band: eb.ref('excluded.price_band'),
            size_band: eb.ref('excluded.size_band'),
            image_id: eb.ref('excluded.image_id'),
            computed_at: eb.ref('excluded.computed_at'),
          })),
        )
        .execute();
      if (vectors) {
        await sql`insert into recs.artwork_vectors (artwork_id, embedding)
          values (${row.artwork_id}, ${`[${row.vec.join(',')}]`}::vector)
          on conflict (artwork_id) do update set embedding = excluded.embedding`.execute(tx);
      }
    }
  });
  return computed.length;
}

/** Refreshes until nothing is stale (seeding, the CLI, tests). */
export async function refreshAllFeatures(
  db: DB,
  storage: StorageSettings,
  clock: Clock,
  opts: { embedder?: TextEmbedder | null } = {},
): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await refreshFeatures(db, storage, clock, { ...opts, limit: 200 });
    total += n;
    if (n < 200) return total;
  }
}
