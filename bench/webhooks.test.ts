import { describe, expect, it } from 'vitest';
import { benchWebhooks } from './webhooks.ts';

describe('webhook bench (smoke)', () => {
  // Checks the harness only: every delivery is acknowledged and applied once. Timings are never asserted.
  it('acknowledges and applies every delivered event, with the SQL baseline', async () => {
    const results = await benchWebhooks({ connections: 4, events: 24 });
    expect(results.map((r) => r.name)).toEqual([
      'SQL insert event + job c=4 (baseline)',
      'POST /api/webhooks/stripe c=4 (ack)',
      'SQL insert, then mark applied and job done c=4 (baseline)',
      'ack + apply by the job runner c=4 (end to end)',
    ]);
    for (const r of results) expect(r.errors, r.name).toBe(0);
  });
});
