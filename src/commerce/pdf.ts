import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as fontkitModule from '@pdf-lib/fontkit';
import { PDFDocument, type PDFFont, type PDFPage, rgb } from 'pdf-lib';

// The UMD build's namespace holds the API under `default` at run time; its typings declare it flat.
const fontkit = (fontkitModule as unknown as { default: typeof fontkitModule }).default ?? fontkitModule;
const require = createRequire(import.meta.url);

// Noto Sans covers Latin (incl. Extended), Greek and Cyrillic; Noto Sans JP adds kana and CJK ideographs.
const FONT_FILES = {
  regular: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf',
  cjk: '@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf',
} as const;
type FontKey = keyof typeof FONT_FILES;

type FontkitFont = ReturnType<typeof fontkit.create>;
const fontBytes = new Map<FontKey, Uint8Array>();
const parsed = new WeakMap<Uint8Array, FontkitFont>();

function bytesOf(key: FontKey): Uint8Array {
  let b = fontBytes.get(key);
  if (!b) {
    b = padGlyphs(readFileSync(require.resolve(FONT_FILES[key])));
    fontBytes.set(key, b);
  }
  return b;
}

/**
 * Rewrites a TrueType font so every glyph's data has a length divisible by 4 (long `loca` offsets). fontkit 1.x
 * subsets copy glyphs as they are and then write short `loca` offsets (halved), so a single odd-length glyph, as in
 * Google's Noto Sans builds, shifts every later glyph and viewers draw blanks. Fonts already aligned come back as is.
 */
export function padGlyphs(font: Uint8Array): Uint8Array {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const numTables = view.getUint16(4);
  const tables = new Map<string, { offset: number; length: number }>();
  for (let i = 0; i < numTables; i++) {
    const r = 12 + i * 16;
    const tag = String.fromCharCode(font[r], font[r + 1], font[r + 2], font[r + 3]);
    tables.set(tag, { offset: view.getUint32(r + 8), length: view.getUint32(r + 12) });
  }
  const head = tables.get('head');
  const loca = tables.get('loca');
  const glyf = tables.get('glyf');
  const maxp = tables.get('maxp');
  if (!head || !loca || !glyf || !maxp) return font; // CFF outlines: nothing to fix
  const longLoca = view.getInt16(head.offset + 50) === 1;
  const numGlyphs = view.getUint16(maxp.offset + 4);
  const at = (i: number) => (longLoca ? view.getUint32(loca.offset + i * 4) : view.getUint16(loca.offset + i * 2) * 2);
  const offsets = Array.from({ length: numGlyphs + 1 }, (_, i) => at(i));
  if (offsets.every((o) => o % 4 === 0)) return font;

  const glyphs: Uint8Array[] = [];
  const newLoca = new Uint8Array((numGlyphs + 1) * 4);
  const locaView = new DataView(newLoca.buffer);
  let pos = 0;
  for (let i = 0; i < numGlyphs; i++) {
    const data = font.subarray(glyf.offset + offsets[i], glyf.offset + offsets[i + 1]);
    const padded = new Uint8Array((data.length + 3) & ~3);
    padded.set(data);
    glyphs.push(padded);
    locaView.setUint32(i * 4, pos);
    pos += padded.length;
  }
  locaView.setUint32(numGlyphs * 4, pos);
  const newGlyf = new Uint8Array(pos);
  let p = 0;
  for (const g of glyphs) {
    newGlyf.set(g, p);
    p += g.length;
  }
  const newHead = font.slice(head.offset, head.offset + head.length);
  const headView = new DataView(newHead.buffer);
  headView.setInt16(50, 1); // indexToLocFormat: long
  headView.setUint32(8, 0); // checkSumAdjustment, recomputed below

  const tags = [...tables.keys()].sort();
  const body = new Map<string, Uint8Array>(
    tags.map((t) => {
      const { offset, length } = tables.get(t) as { offset: number; length: number };
      const data =
        t === 'glyf'
          ? newGlyf
          : t === 'loca'
            ? newLoca
            : t === 'head'
              ? newHead
              : font.subarray(offset, offset + length);
      return [t, data];
    }),
  );
  let size = 12 + 16 * tags.length;
  for (const d of body.values()) size += (d.length + 3) & ~3;
  const out = new Uint8Array(size);
  const ov = new DataView(out.buffer);
  out.set(font.subarray(0, 12)); // sfnt version and search fields are unchanged: same number of tables
  const checksum = (start: number, length: number) => {
    let sum = 0;
    for (let i = start; i < start + ((length + 3) & ~3); i += 4) sum = (sum + ov.getUint32(i)) >>> 0;
    return sum;
  };
  let offset = 12 + 16 * tags.length;
  tags.forEach((t, i) => {
    const d = body.get(t) as Uint8Array;
    const r = 12 + i * 16;
    for (let k = 0; k < 4; k++) out[r + k] = t.charCodeAt(k);
    out.set(d, offset);
    ov.setUint32(r + 4, checksum(offset, d.length));
    ov.setUint32(r + 8, offset);
    ov.setUint32(r + 12, d.length);
    offset += (d.length + 3) & ~3;
  });
  const headOffset = ov.getUint32(12 + tags.indexOf('head') * 16 + 8);
  ov.setUint32(headOffset + 8, (0xb1b0afba - checksum(0, out.length)) >>> 0);
  return out;
}

// Parsing the 5 MB CJK font takes ~300 ms, so each font is parsed once per process and shared by every document
// (pdf-lib only reads glyphs from it and builds its subset separately).
function parse(bytes: Uint8Array): FontkitFont {
  let f = parsed.get(bytes);
  if (!f) {
    f = fontkit.create(bytes);
    parsed.set(bytes, f);
  }
  return f;
}
const cachingFontkit = { ...fontkit, create: parse };

function covers(key: FontKey, codePoint: number): boolean {
  return parse(bytesOf(key)).hasGlyphForCodePoint(codePoint);
}

import { A4 } from './pdf-size.ts';

export { A4 };

/** Text style: size in points, bold weight for Latin script, grey or black. */
export interface TextStyle {
  size: number;
  bold?: boolean;
  muted?: boolean;
}

/** A document being drawn: Unicode text with per-character font fallback, wrapping, pages. */
export interface PdfCanvas {
  doc: PDFDocument;
  addPage(): PDFPage;
  /** Makes the page at this index the one drawn on. */
  selectPage(index: number): void;
  width(text: string, style: TextStyle): number;
  /** Draws one line at (x, baseline y); `align: 'right'` puts its right edge at x. */
  text(text: string, x: number, y: number, style: TextStyle, align?: 'left' | 'right'): void;
  /** Splits text into lines no wider than maxWidth (at spaces, or anywhere for unspaced scripts and long words). */
  wrap(text: string, maxWidth: number, style: TextStyle): string[];
  rule(x1: number, x2: number, y: number): void;
  /** Embeds the fonts these strings need; call before measuring or drawing them (drawing is synchronous). */
  prepare(texts: string[]): Promise<void>;
  save(): Promise<Uint8Array>;
}

/** Starts an A4 document with Noto Sans embedded as subsets; the CJK font only when some text needs it. */
export async function createPdfCanvas(meta: { title: string; author?: string; created?: Date }): Promise<PdfCanvas> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(cachingFontkit);
  doc.setTitle(meta.title);
  if (meta.author) doc.setAuthor(meta.author);
  doc.setProducer('Gallerist');
  doc.setCreator('Gallerist');
  if (meta.created) {
    doc.setCreationDate(meta.created);
    doc.setModificationDate(meta.created);
  }
  const embedded = new Map<FontKey, PDFFont>();
  const pending = new Map<FontKey, Promise<PDFFont>>();
  let current = doc.addPage([A4.width, A4.height]);

  // Embedding is async but drawing is sync: fonts a string needs are embedded before it is measured or drawn.
  async function ensure(keys: Iterable<FontKey>): Promise<void> {
    for (const k of keys) {
      if (embedded.has(k)) continue;
      let p = pending.get(k);
      if (!p) {
        // Ligatures off so extracted text matches what was written ("fi" stays two characters).
        p = doc.embedFont(bytesOf(k), { subset: true, features: { liga: false, clig: false, dlig: false } });
        pending.set(k, p);
      }
      embedded.set(k, await p);
    }
  }

  function runs(text: string, bold: boolean): Array<{ key: FontKey; text: string }> {
    const latin: FontKey = bold ? 'bold' : 'regular';
    const out: Array<{ key: FontKey; text: string }> = [];
    for (const ch of text) {
      const cp = ch.codePointAt(0) ?? 32;
      const key: FontKey = covers(latin, cp) || !covers('cjk', cp) ? latin : 'cjk';
      const last = out[out.length - 1];
      if (last?.key === key) last.text += ch;
      else out.push({ key, text: ch });
    }
    return out;
  }

  // Text that missed prepare() still prints, in Noto Sans (an unprepared CJK character shows as a blank box).
  function font(key: FontKey, bold: boolean): PDFFont {
    const f = embedded.get(key) ?? embedded.get(bold ? 'bold' : 'regular');
    if (!f) throw new Error('createPdfCanvas: fonts are embedded before the canvas is returned');
    return f;
  }

  function width(text: string, style: TextStyle): number {
    const bold = !!style.bold;
    return runs(text, bold).reduce((w, r) => w + font(r.key, bold).widthOfTextAtSize(r.text, style.size), 0);
  }

  await ensure(['regular', 'bold']);
  const canvas: PdfCanvas = {
    doc,
    selectPage(index) {
      current = doc.getPage(index);
    },
    addPage() {
      current = doc.addPage([A4.width, A4.height]);
      return current;
    },
    width,
    text(text, x, y, style, align = 'left') {
      let cx = align === 'right' ? x - width(text, style) : x;
      const color = style.muted ? rgb(0.42, 0.42, 0.45) : rgb(0.09, 0.09, 0.11);
      for (const r of runs(text, !!style.bold)) {
        const f = font(r.key, !!style.bold);
        current.drawText(r.text, { x: cx, y, size: style.size, font: f, color });
        cx += f.widthOfTextAtSize(r.text, style.size);
      }
    },
    wrap(text, maxWidth, style) {
      const out: string[] = [];
      for (const para of text.split(/\r?\n/)) {
        let line = '';
        // Words with their trailing space; CJK characters break anywhere, so each is its own token.
        for (const token of para.match(
          /[\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff]|[^\s\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff]+\s*|\s+/g,
        ) ?? []) {
          if (width(line + token.trimEnd(), style) <= maxWidth) {
            line += token;
            continue;
          }
          if (line.trim()) out.push(line.trimEnd());
          line = '';
          // A token wider than the line on its own (a long URL or name): cut it by characters.
          for (const ch of token) {
            if (line && width(line + ch, style) > maxWidth) {
              out.push(line.trimEnd());
              line = '';
            }
            line += ch;
          }
        }
        out.push(line.trimEnd());
      }
      return out;
    },
    rule(x1, x2, y) {
      current.drawLine({ start: { x: x1, y }, end: { x: x2, y }, thickness: 0.5, color: rgb(0.85, 0.85, 0.87) });
    },
    save: () => doc.save(),
    async prepare(texts) {
      const keys = new Set<FontKey>();
      for (const t of texts) for (const r of [...runs(t, false), ...runs(t, true)]) keys.add(r.key);
      await ensure(keys);
    },
  };
  return canvas;
}
