import { describe, expect, it } from 'vitest';
import type { Result } from './emulator.ts';
import { benchRecommendations } from './recommendations.ts';

// Checks the harness only: the quality figures are computed, and the baseline and both rankings run over a tiny
// synthetic catalog without errors. Timings are never asserted.
function expectResults(results: Result[], mode: string) {
  expect(results.map((r) => r.name)).toEqual([
    expect.stringMatching(/^demo catalog: pairwise accuracy [01]\.\d{3} /),
    expect.stringMatching(/^demo catalog: nDCG@10 [01]\.\d{3} /),
    expect.stringMatching(/^anon PK lookup publicArtwork, \d+ artworks \(baseline\)$/),
    expect.stringMatching(new RegExp(`^similarArtworks limit 12, \\d+ artworks \\(${mode}\\)$`)),
    expect.stringMatching(new RegExp(`^recommendedFor limit 12, \\d+ artworks \\(${mode}\\)$`)),
  ]);
  for (const r of results) {
    expect(r.suite, r.name).toBe('recommendations');
    expect(r.errors, r.name).toBe(0);
    expect(r.requests, r.name).toBeGreaterThan(0);
  }
}

describe('recommendations bench (smoke)', () => {
  it('reports the demo quality figures and the rankings against the baseline with no errors (PGlite)', async () => {
    const results = await benchRecommendations({ artworks: 300, artists: 10, samples: 5, backend: 'pglite' });
    expectResults(results, 'pgvector HNSW');
  });

  // Real Postgres without pgvector: ranking falls back to the exact scan of artwork_features.
  it.runIf(process.env.TEST_DATABASE_URL)('runs the exact-scan path on Postgres with no errors', async () => {
    const results = await benchRecommendations({ artworks: 300, artists: 10, samples: 5, backend: 'postgres' });
    expectResults(results, '(pgvector HNSW|exact scan)');
  });
});
