import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEmulatorCli } from './cli.ts';
import { journalFiles } from './core/journal.ts';
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

  it('journals an acknowledged write before the response, without stop', async () => {
    const dataFile = join(dir, 'journaled.json');
    const emu = await startEmulator({ port: 0, dataFile, autoAdvance: false });
    await client(emu.port).products.create({ name: 'Saved' });
    // No waiting: the line is in the journal by the time the response arrives.
    expect(readFileSync(journalFiles(dataFile).at(-1)!.path, 'utf8')).toContain('Saved');
    await emu.stop();
    expect(readFileSync(dataFile, 'utf8')).toContain('Saved');
  });

  it('keeps the platform account id across restarts of the same data, and a fresh state gets its own', async () => {
    const dataFile = join(dir, 'platform.json');
    const first = await startEmulator({ port: 0, dataFile, autoAdvance: false });
    const platform = await client(first.port).accounts.retrieveCurrent();
    expect(platform.id).toMatch(/^acct_/);
    expect((await client(first.port).accounts.retrieveCurrent()).id).toBe(platform.id);
    // The platform is not a connected account: it is neither listed nor usable as a destination.
    expect((await client(first.port).accounts.list()).data).toEqual([]);
    const asDestination = await client(first.port)
      .transfers.create({ amount: 100, currency: 'usd', destination: platform.id })
      .catch((e) => e);
    expect([asDestination.statusCode, asDestination.code]).toEqual([400, 'resource_missing']);
    await first.stop();

    const second = await startEmulator({ port: 0, dataFile, autoAdvance: false });
    expect(await client(second.port).accounts.retrieveCurrent()).toMatchObject({
      id: platform.id,
      created: platform.created,
      charges_enabled: true,
    });
    await second.stop();

    const fresh = await startEmulator({ port: 0, dataFile: join(dir, 'other.json'), autoAdvance: false });
    expect((await client(fresh.port).accounts.retrieveCurrent()).id).not.toBe(platform.id);
    await fresh.stop();
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
