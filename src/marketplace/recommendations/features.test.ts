import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  BLOCK_WEIGHTS,
  colourHistogram,
  cosine,
  featureVector,
  hashedTextEmbedding,
  imageHistogram,
  keywordsOf,
  paletteOf,
  priceBand,
  projectEmbedding,
  sizeBand,
  TEXT_DIMS,
  tokens,
  VECTOR_DIMS,
} from './features.ts';
import { diversify, explain } from './rank.ts';

const solid = (hex: string, size = 16) =>
  sharp({
    create: {
      width: size,
      height: size,
      channels: 3,
      background: {
        r: Number.parseInt(hex.slice(1, 3), 16),
        g: Number.parseInt(hex.slice(3, 5), 16),
        b: Number.parseInt(hex.slice(5, 7), 16),
      },
    },
  })
    .png()
    .toBuffer();

describe('artwork features', () => {
  it('tokenises any script, drops stop words and folds plurals', () => {
    expect(tokens('The Waves of the North Sea')).toEqual(['wave', 'north', 'sea']);
    expect(tokens('Nuit à Tōkyō — 夜の東京')).toEqual(['nuit', 'tōkyō', '夜の東京']);
  });

  it('embeds text deterministically; shared words make texts closer', () => {
    const a = hashedTextEmbedding('blue abstract painting of the sea');
    expect(a).toHaveLength(TEXT_DIMS);
    expect(hashedTextEmbedding('blue abstract painting of the sea')).toEqual(a);
    const near = cosine(a, hashedTextEmbedding('abstract blue seascape painting'));
    const far = cosine(a, hashedTextEmbedding('night photograph of neon in Tokyo'));
    expect(near).toBeGreaterThan(far);
    expect(near).toBeGreaterThan(0.3);
  });

  it('projects any model embedding to the text block, keeping its similarities in order', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: 8, maxLength: 1536 }), (e) => {
        const p = projectEmbedding(e);
        expect(p).toHaveLength(TEXT_DIMS);
        expect(p.every(Number.isFinite)).toBe(true);
      }),
    );
    const base = Array.from({ length: 768 }, (_, i) => Math.sin(i));
    const close = base.map((x, i) => x + 0.05 * Math.cos(i * 7));
    const other = Array.from({ length: 768 }, (_, i) => Math.cos(i * 3));
    expect(cosine(projectEmbedding(base), projectEmbedding(close))).toBeGreaterThan(
      cosine(projectEmbedding(base), projectEmbedding(other)),
    );
  });

  it('names the palette of a picture from its colour histogram', async () => {
    expect(paletteOf(await imageHistogram(await solid('#1e40af'))).map((c) => c.name)).toEqual(['blue']);
    expect(paletteOf(await imageHistogram(await solid('#15803d')))[0].name).toBe('green');
    // Greys (a white mount, a black frame) are greys, not hues.
    expect(paletteOf(await imageHistogram(await solid('#f8fafc')))[0].name).toBe('white');
    const h = colourHistogram(Buffer.from([255, 0, 0, 0, 0, 255]));
    expect(h.reduce((s, x) => s + x, 0)).toBeCloseTo(1);
  });

  it('bands prices and sizes, with neighbours partly alike', () => {
    expect([0, 24_999, 25_000, 49_999, 99_999, 250_000, 10_000_000].map(priceBand)).toEqual([0, 0, 1, 1, 2, 4, 5]);
    expect(sizeBand(null, null)).toBeNull();
    expect([sizeBand(200, 250), sizeBand(400, 500), sizeBand(800, 700), sizeBand(1500, 900)]).toEqual([0, 1, 2, 3]);
    const at = (band: number) =>
      featureVector({
        text: [1, ...new Array(255).fill(0)],
        histogram: null,
        medium: 'painting',
        priceBand: band,
        sizeBand: 1,
      });
    expect(cosine(at(2), at(3))).toBeGreaterThan(cosine(at(2), at(5)));
  });

  it('builds unit vectors whose cosine is the weighted sum of the blocks', () => {
    const v = featureVector({
      text: hashedTextEmbedding('tidal blue'),
      histogram: new Array(40).fill(1 / 40),
      medium: 'painting',
      priceBand: 1,
      sizeBand: 2,
    });
    expect(v).toHaveLength(VECTOR_DIMS);
    expect(Math.hypot(...v)).toBeCloseTo(1);
    expect(cosine(v, v)).toBeCloseTo(1);
    const weights = Object.values(BLOCK_WEIGHTS);
    expect(weights.reduce((s, w) => s + w * w, 0)).toBeCloseTo(1);
  });

  it('keeps the keywords that say what a work is about', () => {
    expect(keywordsOf('Blue abstract painting of the tide going out; layered washes of blue')).toContain('blue');
    expect(keywordsOf('the of and')).toEqual([]);
  });
});

describe('ranking helpers', () => {
  it('diversify: best first, at most two per artist while others remain, nothing lost or repeated', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            accountId: fc.constantFrom('a', 'b', 'c', 'd'),
            score: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
          {
            maxLength: 40,
          },
        ),
        fc.integer({ min: 1, max: 24 }),
        (items, limit) => {
          const ranked = items.map((x, i) => ({ ...x, id: i })).sort((x, y) => y.score - x.score);
          const page = diversify(ranked, limit);
          expect(page.length).toBe(Math.min(limit, ranked.length));
          expect(new Set(page.map((p) => p.id)).size).toBe(page.length);
          const artists = new Set(ranked.map((r) => r.accountId)).size;
          const perArtist = new Map<string, number>();
          for (const p of page) perArtist.set(p.accountId, (perArtist.get(p.accountId) ?? 0) + 1);
          // A third work of one artist only when every other artist's works are already on the page.
          if (page.length < ranked.length && artists > 1) {
            const capped = [...perArtist.values()].some((n) => n > 2);
            if (capped) {
              const shown = new Set(page.map((p) => p.id));
              const othersLeft = ranked.some((r) => !shown.has(r.id) && (perArtist.get(r.accountId) ?? 0) < 2);
              expect(othersLeft).toBe(false);
            }
          }
        },
      ),
    );
  });

  it('explains a match from the blocks that agree, naming what the patron liked', () => {
    const blue = new Array(40).fill(0);
    blue[24] = 1; // Blue, dark.
    const f = (title: string, medium: 'painting' | 'photography', text: string, price: number) => ({
      id: title,
      accountId: 'a',
      title,
      medium,
      priceAmount: price,
      vec: featureVector({
        text: hashedTextEmbedding(text),
        histogram: blue,
        medium,
        priceBand: priceBand(price),
        sizeBand: 1,
      }),
      keywords: keywordsOf(text),
      palette: paletteOf(blue),
      priceBand: priceBand(price),
      sizeBand: 1,
    });
    const tidal = f('Tidal', 'painting', 'blue sea tide abstract', 42_000);
    const candidate = f('Undertow', 'painting', 'blue sea current abstract', 46_000);
    const reasons = explain(candidate, { features: tidal, verb: 'you saved' }, [30_000, 60_000]);
    expect(reasons.map((r) => r.text)).toEqual([
      'both about “abstract” and “blue”',
      'same medium as “Tidal”, which you saved',
      'similar blue palette',
    ]);
    const unlike = f('Neon', 'photography', 'neon night street', 900_000);
    const none = explain(unlike, { features: { ...tidal, palette: [] } });
    expect(none.length).toBeGreaterThan(0);
  });
});
