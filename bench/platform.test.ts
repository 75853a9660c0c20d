import { describe, expect, it } from 'vitest';
import { benchPlatform } from './platform.ts';

describe('platform bench (smoke)', () => {
  // Checks the harness only: every storefront route answers without errors under load. Timings are never asserted.
  it('measures each storefront read and its same-size static baseline with no errors', async () => {
    // The embedded database only: the Postgres pass starts a second platform, too long for every test run.
    const results = await benchPlatform({ durationSec: 0.5, connections: 4, postgres: false });
    // Each storefront read right after a static route of the same size in another process.
    expect(results).toHaveLength(10);
    for (const [i, r] of results.entries()) {
      if (i % 2 === 0) expect(r.name).toMatch(/^static \d+ B \(baseline of GET \/api\//);
      else expect(r.name).toBe(results[i - 1].name.replace(/^static \d+ B \(baseline of (.*)\)$/, '$1'));
    }
    for (const r of results) {
      expect(r.errors, r.name).toBe(0);
      expect(r.requests, r.name).toBeGreaterThan(0);
    }
  });
});
