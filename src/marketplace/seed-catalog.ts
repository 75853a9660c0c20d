import { sql } from 'kysely';
import sharp from 'sharp';
import type { DB } from '../db/types.ts';
import type { SeedContext } from '../seed.ts';
import { addArtworkImage } from './artworks/images.ts';
import { queueFeatures } from './recommendations/queue.ts';
import type { Medium } from './tables.ts';

/*
 * The demo catalog beyond Mira Okafor's works: four more artists with published works in distinct families (blue
 * abstract seascapes, night-city photographs, botanical drawings, West African textiles and clay), so search,
 * recommendations and their labelled accuracy fixture (test/fixtures/recommendation-pairs.ts) have something real
 * to rank. Pictures are generated stand-ins in each work's own colours.
 */

export interface DemoWork {
  title: string;
  medium: Medium;
  price: number;
  widthMm: number;
  heightMm: number;
  year: number;
  description: string;
  /** Background, then shapes over it (hex). */
  colours: [string, ...string[]];
}

export interface DemoArtist {
  slug: string;
  name: string;
  email: string;
  country: string;
  statement: string;
  bio: string;
  works: DemoWork[];
}

export const demoCatalog: DemoArtist[] = [
  {
    slug: 'jonas-berg',
    name: 'Jonas Berg',
    email: 'jonas@demo.gallerist.dev',
    country: 'DK',
    statement: 'Abstract paintings of the sea, tide and weather of the North Sea coast, in layered acrylic and oil.',
    bio: 'Painter working on the Danish west coast.',
    works: [
      {
        title: 'Tidal',
        medium: 'painting',
        price: 42_000,
        widthMm: 600,
        heightMm: 800,
        year: 2025,
        description: 'Blue abstract painting of the tide going out; layered acrylic washes of ultramarine and cobalt.',
        colours: ['#1e3a8a', '#3b82f6', '#bfdbfe'],
      },
      {
        title: 'North Sea Blue',
        medium: 'painting',
        price: 38_000,
        widthMm: 500,
        heightMm: 700,
        year: 2024,
        description: 'Abstract seascape in deep blue and white; waves and wind over the North Sea.',
        colours: ['#1d4ed8', '#0f172a', '#e0f2fe'],
      },
      {
        title: 'Undertow',
        medium: 'painting',
        price: 46_000,
        widthMm: 700,
        heightMm: 700,
        year: 2025,
        description: 'Abstract painting of a dark blue sea current pulling under the surface; oil on canvas.',
        colours: ['#172554', '#2563eb', '#93c5fd'],
      },
      {
        title: 'Salt Fog',
        medium: 'painting',
        price: 120_000,
        widthMm: 1200,
        heightMm: 900,
        year: 2023,
        description: 'Large abstract painting of fog over the sea at dawn; pale blue grey and white, oil on linen.',
        colours: ['#94a3b8', '#cbd5e1', '#60a5fa'],
      },
    ],
  },
  {
    slug: 'aiko-tanaka',
    name: 'Aiko Tanaka',
    email: 'aiko@demo.gallerist.dev',
    country: 'JP',
    statement: 'Photographs of Tokyo at night: rain, neon, trains and the people in between.',
    bio: 'Street photographer based in Tokyo.',
    works: [
      {
        title: 'Shinjuku Rain',
        medium: 'photography',
        price: 28_000,
        widthMm: 400,
        heightMm: 600,
        year: 2024,
        description: 'Night photograph of rain and neon reflections on a Shinjuku street; archival pigment print.',
        colours: ['#0a0a0a', '#db2777', '#7c3aed'],
      },
      {
        title: 'Last Train',
        medium: 'photography',
        price: 24_000,
        widthMm: 400,
        heightMm: 600,
        year: 2023,
        description: 'Night photograph of the last train leaving a Tokyo station, commuters in neon light.',
        colours: ['#111827', '#f472b6', '#fde047'],
      },
      {
        title: 'Neon Alley',
        medium: 'photography',
        price: 26_000,
        widthMm: 500,
        heightMm: 500,
        year: 2025,
        description: 'A narrow Tokyo alley at night lit by magenta neon signs after rain; photograph.',
        colours: ['#09090b', '#c026d3', '#f0abfc'],
      },
      {
        title: 'Vending Light',
        medium: 'photography',
        price: 22_000,
        widthMm: 300,
        heightMm: 450,
        year: 2025,
        description: 'Night photograph of a glowing vending machine on an empty street in Tokyo.',
        colours: ['#0c0a09', '#facc15', '#e5e7eb'],
      },
    ],
  },
  {
    slug: 'lena-ferreira',
    name: 'Lena Ferreira',
    email: 'lena@demo.gallerist.dev',
    country: 'PT',
    statement: 'Botanical drawings of plants, leaves and seeds from the gardens of Lisbon, in ink and watercolour.',
    bio: 'Botanical illustrator in Lisbon.',
    works: [
      {
        title: 'Fern Study I',
        medium: 'drawing',
        price: 18_000,
        widthMm: 300,
        heightMm: 400,
        year: 2024,
        description: 'Botanical drawing of fern leaves in green ink and watercolour on paper.',
        colours: ['#f7fee7', '#166534', '#4d7c0f'],
      },
      {
        title: 'Monstera',
        medium: 'drawing',
        price: 21_000,
        widthMm: 350,
        heightMm: 500,
        year: 2025,
        description: 'Botanical drawing of a monstera leaf, green watercolour and ink on cotton paper.',
        colours: ['#f0fdf4', '#15803d', '#14532d'],
      },
      {
        title: 'Seed Pods',
        medium: 'drawing',
        price: 16_000,
        widthMm: 300,
        heightMm: 300,
        year: 2023,
        description: 'Botanical drawing of dried seed pods in ochre and brown ink on paper.',
        colours: ['#fefce8', '#a16207', '#78350f'],
      },
      {
        title: 'Moss Garden',
        medium: 'painting',
        price: 34_000,
        widthMm: 500,
        heightMm: 400,
        year: 2025,
        description: 'Painting of a moss garden in Sintra, green leaves and stones; gouache on board.',
        colours: ['#365314', '#65a30d', '#d9f99d'],
      },
    ],
  },
  {
    slug: 'kofi-mensah',
    name: 'Kofi Mensah',
    email: 'kofi@demo.gallerist.dev',
    country: 'GH',
    statement: 'Textiles and clay from Ghanaian traditions: woven kente, indigo dye and fired earth.',
    bio: 'Weaver and ceramicist in Kumasi.',
    works: [
      {
        title: 'Kente Echo',
        medium: 'textile',
        price: 95_000,
        widthMm: 900,
        heightMm: 1400,
        year: 2024,
        description: 'Woven kente textile in orange, yellow and green strips; hand-loomed cotton.',
        colours: ['#ea580c', '#facc15', '#15803d'],
      },
      {
        title: 'Indigo Weave',
        medium: 'textile',
        price: 88_000,
        widthMm: 800,
        heightMm: 1200,
        year: 2025,
        description: 'Hand-woven textile dyed in indigo blue with white resist patterns; cotton.',
        colours: ['#1e1b4b', '#3730a3', '#e0e7ff'],
      },
      {
        title: 'Clay Vessel No. 3',
        medium: 'sculpture',
        price: 64_000,
        widthMm: 300,
        heightMm: 450,
        year: 2024,
        description: 'Hand-built clay vessel, fired terracotta with a burnished brown surface; sculpture.',
        colours: ['#fafaf9', '#9a3412', '#78350f'],
      },
      {
        title: 'Terracotta Form',
        medium: 'sculpture',
        price: 72_000,
        widthMm: 350,
        heightMm: 500,
        year: 2025,
        description: 'Abstract sculpture in fired terracotta clay, warm red brown earth tones.',
        colours: ['#f5f5f4', '#c2410c', '#7c2d12'],
      },
    ],
  },
];

const rgb = (c: string) => ({
  r: Number.parseInt(c.slice(1, 3), 16),
  g: Number.parseInt(c.slice(3, 5), 16),
  b: Number.parseInt(c.slice(5, 7), 16),
});

/** A stand-in picture: the background with a band and a disc in the other colours, in the work's proportions. */
async function picture(w: DemoWork): Promise<Buffer> {
  const height = 800;
  const width = Math.max(200, Math.round((height * w.widthMm) / w.heightMm));
  const [bg, a = bg, b = a] = w.colours;
  const band = await sharp({ create: { width, height: Math.round(height * 0.3), channels: 3, background: rgb(a) } })
    .png()
    .toBuffer();
  const size = Math.round(Math.min(width, height) * 0.35);
  const disc = await sharp(
    Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">
      <circle cx="${size / 2}" cy="${size / 2}" r="${size / 2}" fill="${b}"/></svg>`),
  )
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: rgb(bg) } })
    .composite([
      { input: band, top: Math.round(height * 0.55), left: 0 },
      { input: disc, top: Math.round(height * 0.12), left: Math.round(width * 0.55 - size / 2) },
    ])
    .jpeg({ quality: 80 })
    .toBuffer();
}

/**
 * Seeds the demo catalog's artists (approved, with a statement and profile) and their published works with
 * pictures, then queues the features job (idempotent). Their owners are demo users of src/seed.ts. Service role.
 */
export async function seedDemoCatalog(db: DB, ctx: SeedContext = {}): Promise<void> {
  for (const artist of demoCatalog) {
    const owner = await db
      .selectFrom('accounts as a')
      .innerJoin('memberships as m', (j) => j.onRef('m.account_id', '=', 'a.id').on('m.role', '=', 'owner'))
      .select(['a.id', 'm.user_id'])
      .where('a.slug', '=', artist.slug)
      .executeTakeFirst();
    if (!owner) continue;
    await sql`insert into artist_applications (user_id, status, statement, portfolio_url, country, terms_accepted_at,
        reviewed_at, artist_account_id, submitted_at)
      select ${owner.user_id}, 'approved', ${artist.statement}, ${`https://${artist.slug}.example`}, ${artist.country},
        now(), now(), ${owner.id}, now()
      where not exists (select 1 from artist_applications where user_id = ${owner.user_id} and status = 'approved')`.execute(
      db,
    );
    await db
      .insertInto('artist_profiles')
      .values({ account_id: owner.id, country: artist.country, bio: artist.bio })
      .onConflict((oc) => oc.column('account_id').doNothing())
      .execute();
    const existing = new Set(
      (await db.selectFrom('artworks').select('title').where('account_id', '=', owner.id).execute()).map(
        (r) => r.title,
      ),
    );
    // Drawn all at once (sharp works off the event loop), while the rows go in one by one.
    const missing = artist.works.filter((w) => !existing.has(w.title));
    const pictures = ctx.storage ? missing.map((w) => picture(w)) : [];
    // Each is awaited below; until then a failure must not count as unhandled.
    for (const p of pictures) p.catch(() => {});
    for (const [i, w] of missing.entries()) {
      const row = await db
        .insertInto('artworks')
        .values({
          account_id: owner.id,
          title: w.title,
          description: w.description,
          medium: w.medium,
          price_amount: w.price,
          currency: 'eur',
          width_mm: w.widthMm,
          height_mm: w.heightMm,
          year: w.year,
          status: 'published',
          published_at: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (ctx.storage) {
        await addArtworkImage((fn) => fn(db), { kind: 'seed' }, ctx.storage, row.id, await pictures[i]);
      }
    }
  }
  await queueFeatures(db);
}
