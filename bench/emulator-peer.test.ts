import { describe, expect, it } from 'vitest';
import { benchEmulatorPeer } from './emulator-peer.ts';

describe('emulator vs stripe-stateful-mock bench (smoke)', () => {
  // Checks the harness only: both servers start, answer every route without errors. Timings are never asserted.
  it('measures list and create on both servers plus start time and RSS', async () => {
    const results = await benchEmulatorPeer({ amount: 64, seed: 20, rounds: 1 });
    expect(results.map((r) => r.name.replace(/ \[peer .*\]$/, ''))).toEqual([
      'GET /v1/customers?limit=100 c=16 (stripe-stateful-mock)',
      'GET /v1/customers?limit=100 c=16 (emulator)',
      'GET /v1/customers?limit=100 c=16: server CPU µs/request, emulator',
      'POST /v1/customers c=16 (stripe-stateful-mock)',
      'POST /v1/customers c=16 (emulator)',
      'POST /v1/customers c=16: server CPU µs/request, emulator',
      'POST /v1/customers c=64 (stripe-stateful-mock)',
      'POST /v1/customers c=64 (emulator)',
      'POST /v1/customers c=64: server CPU µs/request, emulator',
      'CLI start to first answer, ms (target < 1000)',
      'idle RSS after start, MB (target < 100)',
    ]);
    for (const r of results.slice(0, 9)) {
      expect(r.errors, r.name).toBe(0);
      expect(r.requests, r.name).toBeGreaterThan(0);
    }
    expect(results[9].rps).toBeGreaterThan(0);
  });
});
