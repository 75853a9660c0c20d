import { describe, expect, it } from 'vitest';
import { benchWebhooks } from './webhooks.ts';

describe('webhook bench (smoke)', () => {
  // Checks the harness only: every delivery is acknowledged and applied once. Timings are never asserted.
  it('acknowledges and applies every delivered event, with the SQL baseline', async () => {
    const results = await benchWebhooks({ connections: 4, events: 24 });
    expect(results.map((r) => r.name)).toEqual([
      'SQL insert event + job (baseline)',
      'POST /api/webhooks/stripe (ack)',
      'ack + apply by the job runner (end to end)',
    ]);
    for (const r of results) expect(r.errors, r.name).toBe(0);
  });
});
