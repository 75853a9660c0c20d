import { describe, expect, it } from 'vitest';
import { benchEmulator } from './emulator.ts';

describe('emulator bench (smoke)', () => {
  // Checks the harness only: every route measured without errors. Timings are never asserted.
  it('measures baseline, create, retrieve and complete with no errors', async () => {
    const results = await benchEmulator({ durationSec: 0.5, connections: 4 });
    expect(results.map((r) => r.name)).toEqual([
      'GET /v1/balance (baseline)',
      'POST /v1/checkout/sessions',
      'GET /v1/checkout/sessions/:id',
      'POST /_emulator/checkout/sessions/:id/complete',
    ]);
    for (const r of results) {
      expect(r.errors, r.name).toBe(0);
      expect(r.requests, r.name).toBeGreaterThan(0);
    }
  });
});
