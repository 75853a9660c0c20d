import { describe, expect, it } from 'vitest';
import { centredCrop } from './crop.ts';

describe('centredCrop', () => {
  it('crops a 3:2 landscape photo to 5:7 (turned to 7:5) from the sides', () => {
    const c = centredCrop({ width: 3000, height: 2000 }, '5:7');
    expect(c?.height).toBe(1);
    expect(c?.width).toBeCloseTo(1.4 / 1.5);
    expect(c!.x * 2 + c!.width).toBeCloseTo(1);
  });
  it('crops a portrait photo from top and bottom when it is taller than the print', () => {
    const c = centredCrop({ width: 1000, height: 2000 }, '2:3');
    expect(c).toMatchObject({ x: 0, width: 1 });
    expect(c!.height).toBeCloseTo(0.75);
  });
  it('needs no crop when the ratio already matches, or without a ratio', () => {
    expect(centredCrop({ width: 3000, height: 2000 }, '2:3')).toBeNull();
    expect(centredCrop({ width: 3000, height: 2000 }, null)).toBeNull();
  });
});
