import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulator/index.ts';
import { startTestApp, type TestApp } from '../../test/app.ts';
import { migratedDataDir, testDbKind } from '../db/testing.ts';
import { collectChecks } from '../doctor.ts';

// Which database serves does not matter here: the postgres project skips this file.
const onPglite = testDbKind() === 'pglite';

// The account-takeover path: request a reset link for someone, read it from /dev/mailbox, sign in as them.

/** A minimal SMTP server that accepts every message and keeps its raw text. */
function startSmtp(): Promise<{ port: number; messages: string[]; server: Server }> {
  const messages: string[] = [];
  const server = createServer((socket) => {
    let data: string | null = null;
    let buffer = '';
    socket.write('220 test ESMTP\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      while (true) {
        if (data !== null) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          messages.push(data + buffer.slice(0, end));
          buffer = buffer.slice(end + 5);
          data = null;
          socket.write('250 OK queued\r\n');
          continue;
        }
        const nl = buffer.indexOf('\r\n');
        if (nl < 0) return;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250-test\r\n250 8BITMIME\r\n');
        else if (verb === 'DATA') {
          data = '';
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 OK\r\n');
      }
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ port: typeof address === 'object' && address ? address.port : 0, messages, server });
    }),
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function csrfSession(base: string): Promise<{ csrf: string; cookie: string }> {
  const res = await fetch(`${base}/api/auth/session`);
  const csrf = /gallerist_csrf=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';
  return { csrf, cookie: `gallerist_csrf=${csrf}` };
}

describe.skipIf(!onPglite)('dev mailbox in a production start (serve, SMTP, real Stripe keys)', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let stripe: Awaited<ReturnType<typeof startEmulator>>;
  let child: ChildProcess;
  let base: string;
  let output = '';
  let dataDir = '';

  beforeAll(async () => {
    dataDir = await migratedDataDir(mkdtempSync(join(tmpdir(), 'gallerist-prod-')));
    smtp = await startSmtp();
    stripe = await startEmulator({ port: 0 });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['bin/gallerist.js', 'serve'], {
      cwd: process.cwd(),
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        STRIPE_SECRET_KEY: 'sk_test_production_like',
        STRIPE_API_URL: stripe.url,
        STRIPE_WEBHOOK_SECRET: 'whsec_production_like',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d) => {
      output += d;
    });
    child.stderr?.on('data', (d) => {
      output += d;
    });
    await until(
      () =>
        fetch(`${base}/healthz`).then(
          (r) => (r.status ? true : undefined),
          () => undefined,
        ),
      `the server to start:\n${output}`,
      120_000,
    );
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await stripe?.stop();
    smtp?.server.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('mounts no mailbox: the reset link goes out by SMTP and /dev/mailbox* is 404', async () => {
    const victim = 'victim@example.com';
    const s = await csrfSession(base);
    const post = (path: string, body: unknown) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrf, cookie: s.cookie },
        body: JSON.stringify(body),
      });
    expect(
      (await post('/api/auth/sign-up', { email: victim, password: 'victim password 1', name: 'V' })).status,
    ).toBeLessThan(300);
    expect((await post('/api/auth/password-reset', { email: victim })).status).toBeLessThan(300);
    const reset = await until(
      () => smtp.messages.find((m) => m.includes(victim) && /reset/i.test(m)),
      'the reset email over SMTP',
    );
    expect(reset).toMatch(/token=/);

    for (const path of ['/dev/mailbox', `/dev/mailbox.json?to=${victim}`, '/dev/mailbox.json', '/dev/mailbox/x']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain(victim);
    }
    const info = (await (await fetch(`${base}/api/platform`)).json()) as { devMailbox: boolean };
    expect(info.devMailbox).toBe(false);
    expect(output).not.toContain('/dev/mailbox');
  });
});

describe.skipIf(!onPglite)('dev mailbox in local development', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ demo: false, env: { TRUST_PROXY: '1' } });
  });
  afterAll(() => app?.stop());

  it('is served to loopback clients only, taking the trusted proxy into account', async () => {
    expect((await fetch(`${app.url}/dev/mailbox.json`)).status).toBe(200);
    expect((await fetch(`${app.url}/dev/mailbox`)).status).toBe(200);
    const viaProxy = { headers: { 'x-forwarded-for': '203.0.113.9' } };
    expect((await fetch(`${app.url}/dev/mailbox.json`, viaProxy)).status).toBe(404);
    expect((await fetch(`${app.url}/dev/mailbox`, viaProxy)).status).toBe(404);
    const local = { headers: { 'x-forwarded-for': '127.0.0.1' } };
    expect((await fetch(`${app.url}/dev/mailbox.json`, local)).status).toBe(200);
    const info = (await (await fetch(`${app.url}/api/platform`)).json()) as { devMailbox: boolean };
    expect(info.devMailbox).toBe(true);
  });
});

describe.skipIf(!onPglite)('DEV_MAILBOX', () => {
  it('off removes the mailbox even on the embedded emulator', async () => {
    const app = await startTestApp({ demo: false, env: { DEV_MAILBOX: 'off' } });
    try {
      expect((await fetch(`${app.url}/dev/mailbox.json`)).status).toBe(404);
    } finally {
      await app.stop();
    }
  });

  it('on in production is flagged by doctor', async () => {
    const dataDir = await migratedDataDir(mkdtempSync(join(tmpdir(), 'gallerist-doctor-')));
    try {
      const checks = await collectChecks({
        DATA_DIR: dataDir,
        DEV_MAILBOX: 'on',
        PUBLIC_URL: 'https://shop.example.com',
        SMTP_URL: 'smtp://127.0.0.1:1',
      });
      const flagged = checks.find((c) => c.name === 'dev mailbox');
      expect(flagged?.ok).toBe(false);
      expect(flagged?.fix).toMatch(/DEV_MAILBOX/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
