import { describe, expect, it } from 'vitest';
import { benchAgents } from './sales-channels.ts';

describe('agents bench (smoke)', () => {
  // Checks the harness only: the MCP tool call and the ACP checkout flow run against their baselines without
  // errors. Timings are never asserted.
  it('measures MCP and ACP against their baselines with no errors', async () => {
    const results = await benchAgents({ durationSec: 0.5, connections: 2, flows: 3 });
    expect(results.map((r) => r.name)).toEqual([
      'GET /api/marketplace/artworks (baseline)',
      'POST /api/mcp tools/call search_artworks',
      '3× GET /acp/checkout_sessions/:id (baseline, per flow)',
      'ACP create → update → complete (per flow)',
    ]);
    for (const r of results) {
      expect(r.errors, r.name).toBe(0);
      expect(r.requests, r.name).toBeGreaterThan(0);
    }
  });
});
