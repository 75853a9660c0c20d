import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/**
 * The baseline a route is measured against: a static Hono route answering a body of the same size and type, in a
 * process of its own (so it shares neither the event loop nor the heap with the platform under test). What a
 * database-backed read costs over that is what the platform adds.
 */
export interface StaticBaseline {
  /** URL answering `size` bytes of `type` (the body is made once per size and reused). */
  urlFor(size: number, type: string): string;
  stop(): Promise<void>;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export async function startStaticBaseline(): Promise<StaticBaseline> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/static-baseline.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`static baseline exited (${code}) before listening`)));
  });
  return {
    urlFor: (size, type) => `${url}/bytes/${size}?type=${encodeURIComponent(type)}`,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

function serveStatic(): void {
  const bodies = new Map<number, Uint8Array<ArrayBuffer>>();
  const app = new Hono();
  app.get('/bytes/:n', (c) => {
    const n = Math.min(Number(c.req.param('n')) || 0, 16 * 1024 * 1024);
    let body = bodies.get(n);
    if (!body) {
      body = new Uint8Array(n).fill(0x61);
      bodies.set(n, body);
    }
    return c.body(body, 200, { 'content-type': c.req.query('type') ?? 'application/octet-stream' });
  });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
    console.log(`listening on http://127.0.0.1:${info.port}`);
  });
  process.on('SIGTERM', () => server.close());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) serveStatic();
