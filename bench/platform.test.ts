import { describe, expect, it } from 'vitest';
import { benchPlatform } from './platform.ts';

describe('platform bench (smoke)', () => {
  // Checks the harness only: every storefront route answers without errors under load. Timings are never asserted.
  it('measures the baseline and the storefront reads with no errors', async () => {
    const results = await benchPlatform({ durationSec: 0.5, connections: 4 });
    expect(results[0].name).toBe('GET /healthz (baseline)');
    expect(results).toHaveLength(6);
    for (const r of results) {
      expect(r.errors, r.name).toBe(0);
      expect(r.requests, r.name).toBeGreaterThan(0);
    }
  });
});
