import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain-JS launcher without type declarations.
import { emulatorBundle } from '../bin/bundles.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// `gallerist emulator` runs a bundle of emulator/ on plain Node (decision 032): it must answer like the sources do,
// and never run a bundle older than them.
describe('standalone emulator', () => {
  it('rebuilds its bundle when a source is newer', async () => {
    const path: string = await emulatorBundle();
    expect(await emulatorBundle()).toBe(path);
    // A build recorded as older than the sources is replaced by a new one.
    const pointer = join(root, 'node_modules', '.cache', 'gallerist', 'emulator.json');
    writeFileSync(pointer, JSON.stringify({ file: path, builtAt: 0 }));
    const rebuilt: string = await emulatorBundle();
    expect(rebuilt).not.toBe(path);
    const { builtAt } = JSON.parse(readFileSync(pointer, 'utf8'));
    expect(builtAt).toBeGreaterThan(statSync(join(root, 'emulator', 'cli.ts')).mtimeMs - 1);
  });

  it('`gallerist emulator` answers the API from the bundle, with no TypeScript loader in the process', async () => {
    const child = spawn(process.execPath, ['bin/gallerist.js', 'emulator', '--port', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk) => {
          out += chunk;
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`emulator exited early (${code}): ${out}`)));
      });
      const res = await fetch(`${url}/v1/customers`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk_test_standalone', 'content-type': 'application/x-www-form-urlencoded' },
        body: 'email=a%40example.com',
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ object: 'customer', email: 'a@example.com' });
      const loaded = await fetch(`${url}/v1/balance`, { headers: { authorization: 'Bearer sk_test_standalone' } });
      expect(loaded.headers.get('stripe-version')).toBeTruthy();
      // The process runs the bundle: its command line names no loader.
      const cmdline = (await import('node:fs')).readFileSync(`/proc/${child.pid}/cmdline`, 'utf8');
      expect(cmdline).not.toContain('tsx');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
