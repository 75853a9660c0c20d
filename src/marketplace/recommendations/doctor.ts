import type { Config } from '../../config.ts';
import { openDatabase } from '../../db/connect.ts';
import type { Check } from '../../doctor.ts';
import { vectorSearchAvailable } from './store.ts';

/** Says which search recommendations run on: pgvector's HNSW index, or an exact scan where the extension is missing. */
export async function checkRecommendations(config: Config): Promise<Check[]> {
  const name = 'recommendations';
  let database: Awaited<ReturnType<typeof openDatabase>>;
  try {
    database = await openDatabase(config);
  } catch {
    return []; // The database check already reports why it cannot be opened.
  }
  try {
    if (await vectorSearchAvailable(database.db)) {
      return [{ name, ok: true, detail: 'pgvector: nearest-neighbour search on an HNSW index' }];
    }
    return [
      {
        name,
        ok: true,
        detail:
          'no pgvector: the same ranking by an exact scan, fine to some ten thousand artworks (decision 027: enabling pgvector)',
      },
    ];
  } catch (err) {
    return [{ name, ok: false, detail: `cannot read the recommendation tables: ${(err as Error).message}` }];
  } finally {
    await database.close();
  }
}
