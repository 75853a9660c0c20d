import sharp from 'sharp';
import { loadConfig } from '../config.ts';
import type { DB } from '../db/types.ts';
import type { SeedContext } from '../seed.ts';
import { createPriceSheet, createProduct } from './catalog.ts';
import { createCoupon } from './coupons.ts';
import { createGallery } from './galleries.ts';
import { insertPhotos, processUploads } from './photos.ts';
import type { ProductInputT } from './schema.ts';

const DEMO_GALLERY = 'Rivera wedding — autumn 2026';

const frame = (oak: number) => ({
  name: 'Frame',
  values: [
    { label: 'No frame', priceAdjustment: 0 },
    { label: 'Black frame', priceAdjustment: oak - 1000 },
    { label: 'Oak frame', priceAdjustment: oak },
  ],
});
const paper = (fineArt: number) => ({
  name: 'Paper',
  values: [
    { label: 'Lustre', priceAdjustment: 0 },
    { label: 'Matte', priceAdjustment: 0 },
    { label: 'Fine art (Hahnemühle)', priceAdjustment: fineArt },
  ],
});
const size = (label: string, w: number, h: number, aspectRatio: string) => ({
  name: 'Size',
  values: [{ label, priceAdjustment: 0, minWidthPx: w, minHeightPx: h, aspectRatio }],
});

const products = [
  {
    sku: 'PRINT-A4',
    name: 'A4 print',
    description: 'Archival print, 21 × 29.7 cm.',
    basePrice: 2900,
    groups: [size('A4 (21 × 29.7 cm)', 1754, 1240, '5:7'), paper(800), frame(3500)],
  },
  {
    sku: 'PRINT-A3',
    name: 'A3 print',
    description: 'Archival print, 29.7 × 42 cm.',
    basePrice: 4500,
    groups: [size('A3 (29.7 × 42 cm)', 2480, 1754, '5:7'), paper(1200), frame(5500)],
  },
  {
    sku: 'CANVAS-40x60',
    name: 'Canvas 40×60',
    description: 'Gallery-wrapped canvas on a 2 cm stretcher.',
    basePrice: 7900,
    groups: [
      size('40 × 60 cm', 2362, 1575, '2:3'),
      {
        name: 'Finish',
        values: [
          { label: 'Satin varnish', priceAdjustment: 0 },
          { label: 'Matte varnish', priceAdjustment: 500 },
        ],
      },
      frame(6500),
    ],
  },
];

// Solid colours stand in for real photos (3000 × 2000 like a camera's); cheap enough to run in every test seed.
async function demoPhoto(hex: string): Promise<Uint8Array> {
  const n = Number.parseInt(hex.slice(1), 16);
  const background = { r: n >> 16, g: (n >> 8) & 255, b: n & 255 };
  const img = sharp({ create: { width: 3000, height: 2000, channels: 3, background } });
  return new Uint8Array(await img.jpeg({ quality: 70 }).toBuffer());
}

/**
 * Demo print shop for Lumen Photography: settings, catalog, price sheet, coupon, client and a gallery. Photos go
 * to the app's storage when given (falling back to the environment's config for callers that have none).
 */
export async function seedShop(db: DB, ctx: SeedContext = {}): Promise<void> {
  const studio = await db
    .selectFrom('accounts')
    .select('id')
    .where('slug', '=', 'lumen-photography')
    .executeTakeFirst();
  if (!studio) return;
  const accountId = studio.id;
  await db
    .insertInto('studio_settings')
    .values({
      account_id: accountId,
      currency: 'EUR',
      tax_rate_bps: 2000,
      tax_inclusive: true,
      shipping_rates: JSON.stringify([
        { id: 'standard', name: 'Standard (EU)', amount: 700, countries: ['DE', 'FR', 'NL', 'BE', 'AT', 'IT', 'ES'] },
        { id: 'express', name: 'Express (EU)', amount: 1500, countries: ['DE', 'FR', 'NL', 'BE', 'AT', 'IT', 'ES'] },
        { id: 'world', name: 'Worldwide', amount: 2500 },
      ]),
      return_address: JSON.stringify({
        name: 'Lumen Photography',
        line1: 'Lindenstraße 12',
        line2: '',
        city: 'Berlin',
        postalCode: '10969',
        country: 'DE',
      }),
      accent_color: '#b45309',
    })
    .onConflict((oc) => oc.column('account_id').doNothing())
    .execute();
  const ids: string[] = [];
  for (const p of products) {
    const existing = await db
      .selectFrom('print_products')
      .select('id')
      .where('account_id', '=', accountId)
      .where('sku', '=', p.sku)
      .executeTakeFirst();
    const input = {
      ...p,
      active: true,
      groups: p.groups.map((g) => ({
        name: g.name,
        values: g.values.map((v) => ({ minWidthPx: null, minHeightPx: null, aspectRatio: null, ...v })),
      })),
    } satisfies ProductInputT;
    ids.push(existing?.id ?? (await createProduct(db, accountId, input)).id);
  }
  const sheet = await db.selectFrom('price_sheets').select('id').where('account_id', '=', accountId).executeTakeFirst();
  if (!sheet) await createPriceSheet(db, accountId, { name: 'Standard prints', isDefault: true, productIds: ids });
  const coupon = await db
    .selectFrom('shop_coupons')
    .select('id')
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (!coupon) {
    await createCoupon(db, accountId, {
      code: 'WELCOME10',
      kind: 'percent',
      value: 10,
      minOrderAmount: 0,
      maxRedemptions: null,
      startsAt: null,
      endsAt: null,
      active: true,
    });
  }
  const client = await db
    .insertInto('studio_clients')
    .values({
      account_id: accountId,
      name: 'Jamie Rivera',
      email: 'jamie.rivera@example.com',
      notes: 'Wedding, Oct 2026',
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  const clientId =
    client?.id ??
    (
      await db
        .selectFrom('studio_clients')
        .select('id')
        .where('account_id', '=', accountId)
        .where('email', '=', 'jamie.rivera@example.com')
        .executeTakeFirstOrThrow()
    ).id;
  const gallery = await db
    .selectFrom('galleries')
    .select('id')
    .where('account_id', '=', accountId)
    .where('title', '=', DEMO_GALLERY)
    .executeTakeFirst();
  if (gallery) return;
  const g = await createGallery(db, accountId, {
    title: DEMO_GALLERY,
    clientId,
    eventDate: '2026-10-17',
    status: 'published',
    storeEnabled: true,
    watermark: true,
  });
  const uploads = [];
  for (const [i, hex] of ['#b45309', '#1e3a8a', '#14532d', '#581c87'].entries()) {
    uploads.push({ filename: `rivera-${i + 1}.jpg`, bytes: await demoPhoto(hex) });
  }
  const prepared = await processUploads(
    ctx.storage ?? loadConfig(),
    accountId,
    uploads,
    (i) => `shop/demo/rivera-${i + 1}`,
  );
  await insertPhotos(db, g, prepared);
}
