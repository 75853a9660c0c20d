import { sql } from 'kysely';
import sharp from 'sharp';
import type { DB } from '../db/types.ts';
import type { SeedContext } from '../seed.ts';
import { addArtworkImage } from './artworks/images.ts';
import type { Medium } from './tables.ts';

// Two-tone stand-ins for photographs of the works, in each work's proportions; cheap enough for every test seed.
async function demoImage(index: number, widthMm: number, heightMm: number): Promise<Buffer> {
  const palette = [
    ['#c2410c', '#fde68a'],
    ['#1e3a8a', '#e2e8f0'],
    ['#166534', '#fef3c7'],
    ['#581c87', '#fbcfe8'],
  ][index % 4];
  const height = 1000;
  const width = Math.max(200, Math.round((height * widthMm) / heightMm));
  const hex = (c: string) => ({
    r: Number.parseInt(c.slice(1, 3), 16),
    g: Number.parseInt(c.slice(3, 5), 16),
    b: Number.parseInt(c.slice(5, 7), 16),
  });
  const band = await sharp({
    create: { width, height: Math.round(height * 0.38), channels: 3, background: hex(palette[1]) },
  })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: hex(palette[0]) } })
    .composite([{ input: band, top: Math.round(height * 0.31), left: 0 }])
    .jpeg({ quality: 80 })
    .toBuffer();
}

const demoArtworks: Array<{
  title: string;
  medium: Medium;
  price_amount: number;
  status: 'draft' | 'published';
  width_mm: number;
  height_mm: number;
  year: number;
  description: string;
}> = [
  {
    title: 'Harmattan Light',
    medium: 'painting',
    price_amount: 240_000,
    status: 'published',
    width_mm: 900,
    height_mm: 1200,
    year: 2024,
    description: 'Oil on linen; the dry season haze over Lagos lagoon.',
  },
  {
    title: 'Market Geometry II',
    medium: 'print',
    price_amount: 45_000,
    status: 'published',
    width_mm: 420,
    height_mm: 594,
    year: 2023,
    description: 'Screen print, signed.',
  },
  {
    title: 'Indigo Study',
    medium: 'textile',
    price_amount: 120_000,
    status: 'draft',
    width_mm: 700,
    height_mm: 1000,
    year: 2025,
    description: 'Adire cloth, hand dyed.',
  },
  {
    title: 'Night Bus',
    medium: 'drawing',
    price_amount: 38_000,
    status: 'draft',
    width_mm: 297,
    height_mm: 420,
    year: 2025,
    description: 'Charcoal on paper.',
  },
];

/** Seeds Mira Okafor as an approved artist with a profile and four artworks (idempotent). Run as service role. */
export async function seedMarketplace(db: DB, ctx: SeedContext = {}): Promise<void> {
  const row = await db
    .selectFrom('accounts as a')
    .innerJoin('memberships as m', (j) => j.onRef('m.account_id', '=', 'a.id').on('m.role', '=', 'owner'))
    .select(['a.id', 'm.user_id'])
    .where('a.slug', '=', 'mira-okafor')
    .executeTakeFirst();
  if (!row) return;
  await sql`insert into artist_applications (user_id, status, statement, portfolio_url, instagram, exhibitions, country,
      terms_accepted_at, reviewed_at, artist_account_id, submitted_at)
    select ${row.user_id}, 'approved', 'I paint light and weather in West African cities, mostly in oil on linen.',
      'https://mira-okafor.example', '@mira.paints', 'Lagos Biennial 2023; Berlin Art Week 2024', 'DE', now(), now(),
      ${row.id}, now()
    where not exists (select 1 from artist_applications where user_id = ${row.user_id} and status = 'approved')`.execute(
    db,
  );
  await db
    .insertInto('artist_profiles')
    .values({ account_id: row.id, country: 'DE', bio: 'Painter and printmaker between Lagos and Berlin.' })
    .onConflict((oc) => oc.column('account_id').doNothing())
    .execute();
  const existing = new Set(
    (await db.selectFrom('artworks').select('title').where('account_id', '=', row.id).execute()).map((r) => r.title),
  );
  for (const a of demoArtworks) {
    if (existing.has(a.title)) continue;
    await db
      .insertInto('artworks')
      .values({ ...a, account_id: row.id, currency: 'eur', published_at: a.status === 'published' ? new Date() : null })
      .execute();
  }
  // Images need the app's storage; a bare database seed (no storage given) keeps the works without pictures.
  if (!ctx.storage) return;
  const bare = await db
    .selectFrom('artworks as w')
    .select(['w.id', 'w.title', 'w.width_mm', 'w.height_mm'])
    .where('w.account_id', '=', row.id)
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom('artwork_images as i').select('i.id').whereRef('i.artwork_id', '=', 'w.id'))),
    )
    .execute();
  for (const w of bare) {
    const i = demoArtworks.findIndex((a) => a.title === w.title);
    if (i < 0) continue;
    const bytes = await demoImage(i, w.width_mm ?? 600, w.height_mm ?? 800);
    await addArtworkImage((fn) => fn(db), { kind: 'seed' }, ctx.storage, w.id, bytes);
  }
}
