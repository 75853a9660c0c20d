import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

const chunk = (type: string, data: Buffer) => {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

/**
 * A valid, fully decodable black 1-bit greyscale PNG. Huge sizes stay tiny (16000 × 16000 is about 30 KB) and
 * build in a blink, unlike sharp's create, so tests can send real decompression bombs.
 */
export function bitmapPng(width: number, height: number): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth 1, colour type 0 (greyscale), no interlace
  // Each row: filter byte 0, then width bits of black.
  const rows = Buffer.alloc(height * (1 + Math.ceil(width / 8)));
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(rows, { level: 9 })),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

/** A real PNG of random pixels cut in half: its header reads fine, decoding it fails. */
export async function truncatedPng(side = 300): Promise<Uint8Array> {
  const noise = new Uint8Array(side * side * 3).map(() => Math.floor(Math.random() * 256));
  const png = await sharp(noise, { raw: { width: side, height: side, channels: 3 } })
    .png()
    .toBuffer();
  return new Uint8Array(png.subarray(0, png.length >> 1));
}

/** How many objects local storage holds under a data dir (to prove a refused upload stored nothing). */
export function countObjects(config: { dataDir: string }): number {
  try {
    return readdirSync(join(config.dataDir, 'objects'), { recursive: true, withFileTypes: true }).filter((e) =>
      e.isFile(),
    ).length;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw e;
  }
}
