import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/index.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/connect.ts';
import { migrate } from '../db/migrate.ts';
import { withService, withUser } from '../db/tenancy.ts';
import { migratedDataDir, testDbKind } from '../db/testing.ts';
import { createGallery, createProduct } from '../shop/index.ts';
import { createApiKey } from './api-keys.ts';

// `gallerist mcp` as a client launches it: its own PGlite under DATA_DIR and its own embedded emulator. The child
// always runs on PGlite, so the Postgres project skips this file rather than repeat it.
let dataDir: string;
let secret: string;
let galleryId: string;

// Only what the child needs: no DATABASE_URL or Stripe settings leak in from the test environment.
const childEnv = (key: string) => ({
  DATA_DIR: dataDir,
  GALLERIST_API_KEY: key,
  LOG_LEVEL: 'warn',
  STRIPE_EMULATOR_PORT: '0',
});

describe.skipIf(testDbKind() === 'postgres')('gallerist mcp (stdio)', () => {
  beforeAll(async () => {
    dataDir = await migratedDataDir(mkdtempSync(join(tmpdir(), 'gallerist-mcp-')));
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', PORT: '0' });
    const d = await openDatabase(config);
    try {
      await migrate(d.db);
      // A minimal studio (no demo photos to render): an owner, one product, one published gallery.
      const owner = await withService(d.db, async (tx) => {
        const u = await tx
          .insertInto('users')
          .values({ email: 'owner@stdio.test', name: 'Owner', password_hash: 'unused' })
          .returning('id')
          .executeTakeFirstOrThrow();
        const a = await createAccount(
          tx,
          { kind: 'test', userId: u.id },
          { name: 'Stdio', slug: 'stdio', kind: 'studio' },
        );
        await createProduct(tx, a.accountId, {
          sku: 'PRINT-A3',
          name: 'A3 print',
          description: '',
          basePrice: 4500,
          active: true,
          groups: [
            {
              name: 'Paper',
              values: [{ label: 'Matte', priceAdjustment: 0, minWidthPx: null, minHeightPx: null, aspectRatio: null }],
            },
          ],
        });
        const g = await createGallery(tx, a.accountId, { title: 'Stdio', status: 'published', storeEnabled: true });
        return { userId: u.id, accountId: a.accountId, galleryId: g.id };
      });
      const key = await withUser(d.db, { sub: owner.userId }, (tx) =>
        createApiKey(tx, { kind: 'test', userId: owner.userId }, owner.accountId, { name: 'stdio', role: 'member' }),
      );
      secret = key.secret;
      galleryId = owner.galleryId;
    } finally {
      await d.close();
    }
  });
  afterAll(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the tools over stdio for the key in GALLERIST_API_KEY', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['bin/gallerist.js', 'mcp'],
      cwd: process.cwd(),
      env: childEnv(secret),
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const client = new Client({ name: 'gallerist-stdio-test', version: '1.0.0' });
    // A stray line on stdout (a log, a banner) would surface here as a protocol error.
    const protocolErrors: Error[] = [];
    client.onerror = (err) => protocolErrors.push(err);
    try {
      await client.connect(transport);
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('list_gallery_products');
      const r = (await client.callTool({
        name: 'list_gallery_products',
        arguments: { gallery_id: galleryId },
      })) as CallToolResult;
      expect(r.isError, `${JSON.stringify(r.content)}\n${stderr}`).toBeFalsy();
      const skus = (r.structuredContent as { products: Array<{ sku: string }> }).products.map((p) => p.sku);
      expect(skus).toEqual(['PRINT-A3']);
      expect(protocolErrors).toEqual([]);
    } finally {
      await client.close();
    }
  }, 60_000);

  it('exits with code 2 and says why on stderr when the key is wrong', async () => {
    const child = spawn(process.execPath, ['bin/gallerist.js', 'mcp'], {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...childEnv(`gk_live_${'A'.repeat(43)}`) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/invalid or has been revoked/);
    expect(stdout).toBe('');
  }, 60_000);
});
