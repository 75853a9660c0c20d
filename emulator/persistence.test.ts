import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEmulatorCli } from './cli.ts';
import { startEmulator } from './index.ts';
import { client } from './testing/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'stripe-emulator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('persistence', () => {
  it('survives a restart with objects, events, idempotency keys, endpoints and clock offset', async () => {
    const dataFile = join(dir, 'nested', 'state.json');
    const first = await startEmulator({ port: 0, dataFile });
    const s1 = client(first.port);
    const customer = await s1.customers.create({ email: 'keep@example.com' }, { idempotencyKey: 'persist-1' });
    const we = await s1.webhookEndpoints.create({ url: 'https://hooks.example/x', enabled_events: ['*'] });
    await fetch(`${first.url}/_emulator/clock/advance`, {
      method: 'POST',
      body: new URLSearchParams({ seconds: '3600' }),
    });
    await first.stop();
    const snapshot = JSON.parse(readFileSync(dataFile, 'utf8'));
    expect(snapshot.records.length).toBeGreaterThan(0);

    const second = await startEmulator({ port: 0, dataFile });
    const s2 = client(second.port);
    expect((await s2.customers.retrieve(customer.id)) as { email: string }).toMatchObject({
      email: 'keep@example.com',
    });
    const replay = await s2.customers.create({ email: 'keep@example.com' }, { idempotencyKey: 'persist-1' });
    expect(replay.id).toBe(customer.id);
    expect(replay.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await s2.webhookEndpoints.retrieve(we.id)).url).toBe('https://hooks.example/x');
    expect((await s2.events.list()).data.map((e) => e.type)).toContain('customer.created');
    const clock = await (await fetch(`${second.url}/_emulator/clock`)).json();
    expect(clock.offset_seconds).toBe(3600);
    // New objects keep sorting after the restored ones.
    const newer = await s2.customers.create({});
    expect((await s2.customers.list()).data.map((c) => c.id)).toEqual([newer.id, customer.id]);
    await second.stop();
  });

  it('writes changes without stop (debounced) atomically', async () => {
    const dataFile = join(dir, 'debounced.json');
    const emu = await startEmulator({ port: 0, dataFile, autoAdvance: false });
    await client(emu.port).products.create({ name: 'Saved' });
    await new Promise((r) => setTimeout(r, 300));
    expect(readFileSync(dataFile, 'utf8')).toContain('Saved');
    await emu.stop();
  });
});

describe('cli', () => {
  it('starts on the requested port and prints the URL', async () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (msg: string) => lines.push(msg);
    let emu: Awaited<ReturnType<typeof runEmulatorCli>>;
    try {
      emu = await runEmulatorCli(['--port', '0', '--host', '127.0.0.1']);
    } finally {
      console.log = log;
    }
    expect(lines[0]).toMatch(/^Stripe emulator listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = lines[0].split(' ').pop()!;
    const res = await fetch(`${url}/v1/customers`, { headers: { authorization: 'Bearer sk_test_cli' } });
    expect(res.status).toBe(200);
    await emu.stop();
  });
});
