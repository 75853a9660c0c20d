import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { type Medium, media } from '../tables.ts';

/*
 * An artwork's feature vector (decision 027): weighted blocks, each L2-normalised, concatenated, so cosine similarity
 * of two vectors is a weighted sum of per-block similarities and every block can be named in a reason.
 *
 *   text 256 | colour 40 | medium 9 | price band 6 | size band 4   = 315 dimensions
 *
 * The text block is a signed feature-hashing embedding of words and word pairs (deterministic, no model), or a
 * model's embedding projected to 256 dimensions (projectEmbedding), so the layout never depends on the model.
 */

export const TEXT_DIMS = 256;
export const COLOUR_DIMS = 40;
export const VECTOR_DIMS = TEXT_DIMS + COLOUR_DIMS + media.length + 6 + 4;
/** How much each block counts in the cosine (squared weights sum to 1, so a full match scores 1). */
const WEIGHTS = { text: 0.62, colour: 0.5, medium: 0.5, price: 0.25, size: 0.2 };
const norm = Math.hypot(...Object.values(WEIGHTS));
export const BLOCK_WEIGHTS = Object.fromEntries(Object.entries(WEIGHTS).map(([k, v]) => [k, v / norm])) as Record<
  keyof typeof WEIGHTS,
  number
>;

/** The embedder name the built-in text embedding is recorded under (artwork_features.text_model). */
export const BUILTIN_TEXT_MODEL = 'builtin-hash-v1';

const STOP = new Set(
  `a an and are as at be by for from has he her his i in is it its of on or our she that the their them they this to
  was we were with you your my me mine over under into onto about after before between through during up down out off
  than then there these those who whom which what when where while why how all any both each few more most other some
  such no nor not only own same so too very can will just don should now one two also signed`.split(/\s+/),
);

/** Lower-cased word tokens (letters of any script), stop words dropped, simple plural folding. */
export function tokens(text: string): string[] {
  const words =
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/\p{L}[\p{L}\p{M}'’-]*/gu) ?? [];
  return words
    .map((w) => w.replace(/['’]s$/, '').replace(/(?<=[a-z]{3})s$/, ''))
    .filter((w) => w.length > 1 && !STOP.has(w));
}

function hash32(s: string): number {
  return createHash('sha1').update(s).digest().readUInt32LE(0);
}

function l2(v: number[]): number[] {
  const n = Math.hypot(...v);
  return n > 0 ? v.map((x) => x / n) : v;
}

/** The built-in text embedding: words and adjacent pairs hashed (with a sign) into 256 log-tf buckets. */
export function hashedTextEmbedding(text: string): number[] {
  const t = tokens(text);
  const counts = new Map<string, number>();
  const add = (f: string, w: number) => counts.set(f, (counts.get(f) ?? 0) + w);
  for (let i = 0; i < t.length; i++) {
    add(t[i], 1);
    if (i + 1 < t.length) add(`${t[i]} ${t[i + 1]}`, 0.5);
  }
  const v = new Array<number>(TEXT_DIMS).fill(0);
  for (const [f, c] of counts) {
    const h = hash32(f);
    v[h % TEXT_DIMS] += (h & 0x80000000 ? -1 : 1) * (1 + Math.log(c));
  }
  return l2(v);
}

/** A model embedding of any size, projected to 256 dimensions by a fixed random ±1 matrix (cosine is preserved). */
export function projectEmbedding(embedding: number[]): number[] {
  const out = new Array<number>(TEXT_DIMS).fill(0);
  for (let j = 0; j < embedding.length; j++) {
    const bits = createHash('sha256').update(`proj:${j}`).digest();
    for (let i = 0; i < TEXT_DIMS; i++) out[i] += (bits[i >> 3] >> (i & 7)) & 1 ? embedding[j] : -embedding[j];
  }
  return l2(out);
}

/** The words reasons may quote: the most frequent content words of the title and description. */
export function keywordsOf(text: string, max = 12): string[] {
  const counts = new Map<string, number>();
  for (const w of tokens(text)) if (w.length > 2) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, max)
    .map(([w]) => w);
}

// ----- colour ---------------------------------------------------------------------------------------------------

/** Twelve hue families, 30° each from red; the names reasons use. */
// Names people use, not the colour wheel's: 135–165° reads as green and 195–225° (sky, cobalt) as blue.
export const HUE_NAMES = [
  'red',
  'orange',
  'yellow',
  'lime',
  'green',
  'green',
  'turquoise',
  'blue',
  'blue',
  'violet',
  'magenta',
  'pink',
] as const;
const GREYS = ['black', 'grey', 'silver', 'white'] as const;

export interface PaletteColour {
  name: string;
  share: number;
}

function hsv(r: number, g: number, b: number): [number, number, number] {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  let h = 0;
  if (d > 0) {
    if (max === r) h = ((g - b) / d) % 6;
    else if (max === g) h = (b - r) / d + 2;
    else h = (r - g) / d + 4;
    h = (h * 60 + 360) % 360;
  }
  return [h, max === 0 ? 0 : d / max, max / 255];
}

/**
 * The colour histogram (12 hues × 3 lightness + 4 greys, 40 bins summing to 1) of raw RGB pixels. Low-saturation
 * pixels count as greys, so a white mount does not read as a colour.
 */
export function colourHistogram(rgb: Uint8Array | Buffer, channels = 3): number[] {
  const bins = new Array<number>(COLOUR_DIMS).fill(0);
  const n = Math.floor(rgb.length / channels);
  for (let p = 0; p < n; p++) {
    const [h, s, v] = hsv(rgb[p * channels], rgb[p * channels + 1], rgb[p * channels + 2]);
    if (s < 0.18 || v < 0.12) bins[36 + Math.min(3, Math.floor(v * 4))] += 1;
    else bins[Math.floor(((h + 15) % 360) / 30) * 3 + Math.min(2, Math.floor(v * 3))] += 1;
  }
  return n ? bins.map((b) => b / n) : bins;
}

/** The named colours covering at least 8 % of the picture, largest first (hue families merged over lightness). */
export function paletteOf(histogram: number[]): PaletteColour[] {
  const shares = new Map<string, number>();
  histogram.forEach((share, i) => {
    const name = i < 36 ? HUE_NAMES[Math.floor(i / 3)] : GREYS[i - 36];
    shares.set(name, (shares.get(name) ?? 0) + share);
  });
  return [...shares.entries()]
    .filter(([, share]) => share >= 0.08)
    .sort((a, b) => b[1] - a[1])
    .map(([name, share]) => ({ name, share: Math.round(share * 100) / 100 }));
}

/** An image's colour histogram, from a 32×32 thumbnail (fast, and enough for a palette). */
export async function imageHistogram(bytes: Buffer): Promise<number[]> {
  const { data, info } = await sharp(bytes)
    .resize(32, 32, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return colourHistogram(data, info.channels);
}

// ----- bands ----------------------------------------------------------------------------------------------------

const PRICE_BANDS = [25_000, 50_000, 100_000, 250_000, 500_000]; // minor units: < 250, < 500, < 1 000 …
/** 0–5: under 250, 500, 1 000, 2 500, 5 000 (in the currency's major unit), or more. */
export function priceBand(amount: number): number {
  const i = PRICE_BANDS.findIndex((limit) => amount < limit);
  return i < 0 ? PRICE_BANDS.length : i;
}

/** 0–3 by the longer side: under 30 cm, 60 cm, 120 cm, or larger; null when the size is unknown. */
export function sizeBand(widthMm: number | null, heightMm: number | null): number | null {
  const side = Math.max(widthMm ?? 0, heightMm ?? 0);
  if (!side) return null;
  return side < 300 ? 0 : side < 600 ? 1 : side < 1200 ? 2 : 3;
}

// ----- the vector -----------------------------------------------------------------------------------------------

export interface FeatureParts {
  text: number[];
  histogram: number[] | null;
  medium: Medium;
  priceBand: number;
  sizeBand: number | null;
}

function oneHot(size: number, index: number | null): number[] {
  const v = new Array<number>(size).fill(0);
  if (index !== null && index >= 0 && index < size) v[index] = 1;
  return v;
}

// Neighbouring price and size bands count as partly alike (a 1-hot vector would make 499 and 501 strangers).
function softBand(size: number, index: number | null): number[] {
  if (index === null) return new Array<number>(size).fill(0);
  return l2(Array.from({ length: size }, (_, i) => (i === index ? 1 : Math.abs(i - index) === 1 ? 0.5 : 0)));
}

const scale = (v: number[], w: number) => v.map((x) => x * w);

/** The 315-dimension vector of an artwork. */
export function featureVector(p: FeatureParts): number[] {
  const v = [
    ...scale(l2(p.text), BLOCK_WEIGHTS.text),
    ...scale(l2(p.histogram ? p.histogram.map(Math.sqrt) : new Array(COLOUR_DIMS).fill(0)), BLOCK_WEIGHTS.colour),
    ...scale(oneHot(media.length, media.indexOf(p.medium)), BLOCK_WEIGHTS.medium),
    ...scale(softBand(6, p.priceBand), BLOCK_WEIGHTS.price),
    ...scale(softBand(4, p.sizeBand), BLOCK_WEIGHTS.size),
  ];
  return l2(v);
}

/**
 * The vector of a search ("blue abstract paintings"): its words in the text block, the colours it names in the
 * colour block and the medium, if given, in the medium block; the price and size blocks stay empty, as a search
 * filters by price rather than resembling one.
 */
export function queryVector(query: string, medium: Medium | null, embeddedText?: number[]): number[] {
  const words = new Set(tokens(query));
  const histogram = new Array<number>(COLOUR_DIMS).fill(0);
  HUE_NAMES.forEach((name, hue) => {
    if (words.has(name)) for (let l = 0; l < 3; l++) histogram[hue * 3 + l] = 1;
  });
  GREYS.forEach((name, i) => {
    if (words.has(name)) histogram[36 + i] = 1;
  });
  const named = histogram.some((x) => x > 0);
  // "paintings" in the words says the medium as well as a filter would.
  const m = medium ?? media.find((x) => words.has(x.replace('_', ' '))) ?? null;
  const v = [
    ...scale(l2(embeddedText ?? hashedTextEmbedding(query)), BLOCK_WEIGHTS.text),
    ...scale(named ? l2(histogram) : histogram, BLOCK_WEIGHTS.colour),
    ...scale(oneHot(media.length, m ? media.indexOf(m) : null), BLOCK_WEIGHTS.medium),
    ...new Array<number>(10).fill(0),
  ];
  return l2(v);
}

/** Cosine similarity of two vectors of the same length. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/** The text an artwork's text block is computed from: what the artist wrote about it and about themselves. */
export function artworkText(a: { title: string; description: string; medium: string; statement?: string | null }) {
  // The title and description say most about the work; the artist's statement is context, so it counts once.
  return [a.title, a.title, a.description, a.medium.replace('_', ' '), a.statement ?? ''].join('\n');
}

export const textHash = (text: string, model: string) =>
  createHash('sha256').update(`${model}\n${text}`).digest('hex').slice(0, 32);
