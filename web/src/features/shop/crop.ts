import type { Crop } from './api.ts';

/** The centred crop (0..1 fractions) for an aspect ratio like "2:3", turned to match the photo's orientation. */
export function centredCrop(photo: { width: number; height: number }, ratio: string | null): Crop | null {
  const m = ratio ? /^(\d+):(\d+)$/.exec(ratio) : null;
  if (!m) return null;
  const [a, b] = [Number(m[1]), Number(m[2])];
  const landscape = photo.width >= photo.height;
  const target = landscape ? Math.max(a, b) / Math.min(a, b) : Math.min(a, b) / Math.max(a, b);
  const actual = photo.width / photo.height;
  if (Math.abs(actual - target) < 0.001) return null;
  if (actual > target) {
    const width = target / actual;
    return { x: (1 - width) / 2, y: 0, width, height: 1 };
  }
  const height = actual / target;
  return { x: 0, y: (1 - height) / 2, width: 1, height };
}
