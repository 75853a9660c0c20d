import sharp from 'sharp';
import { newDataDir, testClient, testDeps } from '../../test/http.ts';
import { signUpAndConfirm } from '../accounts/testing.ts';
import { fixedClock } from '../clock.ts';
import type { Database } from '../db/connect.ts';
import { createDemoTestDatabase } from '../db/testing.ts';
import { createApp } from '../http/app.ts';

export type Client = ReturnType<typeof testClient>;

/** A seeded database and app with the demo studio, plus a second studio owned by a fresh user. */
export async function shopFixture() {
  const clock = fixedClock('2026-11-01T12:00:00Z');
  // The demo seed (its files in the app's data dir), cloned from the run's seeded template.
  const dataDir = newDataDir();
  const database: Database = await createDemoTestDatabase({ dataDir });
  const deps = testDeps(database, { clock, dataDir });
  const app = createApp(deps);
  const studio = testClient(app);
  const session = await studio.signIn('studio@demo.gallerist.dev');
  const lumenId: string = session.memberships.find((m: { slug: string }) => m.slug === 'lumen-photography').accountId;
  const other = testClient(app);
  await signUpAndConfirm(other, database.db, { email: 'rival@example.com', name: 'Rival' });
  const created = await other.post('/api/accounts', { name: 'Rival Studio', slug: 'rival-studio', kind: 'studio' });
  const rivalId: string = created.body.accountId;
  const rivalUserId: string = (await other.get('/api/auth/session')).body.user.id;
  return { database, app, deps, clock, studio, other, lumenId, rivalId, rivalUserId };
}

/** A JPEG of the given size, made with sharp. */
export async function testJpeg(width: number, height: number, hex = '#336699'): Promise<Uint8Array> {
  const n = Number.parseInt(hex.slice(1), 16);
  const background = { r: n >> 16, g: (n >> 8) & 255, b: n & 255 };
  return new Uint8Array(
    await sharp({ create: { width, height, channels: 3, background } })
      .jpeg()
      .toBuffer(),
  );
}

/** Sends a multipart upload through a test client's cookie jar. */
export async function upload(
  app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> },
  client: Client,
  path: string,
  files: Array<{ name: string; bytes: Uint8Array; type?: string }>,
) {
  const form = new FormData();
  for (const f of files)
    form.append('files', new File([f.bytes as BlobPart], f.name, { type: f.type ?? 'image/jpeg' }));
  const cookie = [...client.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await app.request(path, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': client.jar.get('gallerist_csrf') ?? '' },
    body: form,
  });
  return { status: res.status, body: await res.json() };
}

/** Counts rows of a table. */
export async function countRows(
  database: Database,
  table:
    | 'galleries'
    | 'studio_clients'
    | 'shop_cart_items'
    | 'gallery_photos'
    | 'print_products'
    | 'studio_settings'
    | 'shop_coupons'
    | 'print_option_groups'
    | 'print_option_values'
    | 'price_sheets'
    | 'price_sheet_products',
) {
  const r = await database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
