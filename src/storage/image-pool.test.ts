import { describe, expect, it } from 'vitest';
import { createImagePool, inspectUpload, renderUpload } from './image-pool.ts';
import { bitmapPng, truncatedPng } from './testing.ts';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};

describe('image pool', () => {
  it('runs at most `concurrency` jobs and starts the queued ones in arrival order', async () => {
    const pool = createImagePool(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((g, i) =>
      pool.run(async () => {
        started.push(i);
        await g.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(pool.stats()).toEqual({ running: 2, waiting: 2 });
    gates[1].resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    gates[0].resolve();
    gates[2].resolve();
    gates[3].resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(pool.stats()).toEqual({ running: 0, waiting: 0 });
  });

  it('frees the slot when a job fails', async () => {
    const pool = createImagePool(1);
    await expect(pool.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await pool.run(async () => 'next')).toBe('next');
    expect(pool.stats()).toEqual({ running: 0, waiting: 0 });
  });
});

describe('upload checks', () => {
  it('reads the pixel size from the header and refuses too many pixels without decoding', async () => {
    const ok = await inspectUpload({ filename: 'a.png', bytes: bitmapPng(4000, 2500) }, 10_000_000);
    expect(ok).toMatchObject({ format: 'png', width: 4000, height: 2500 });
    await expect(inspectUpload({ filename: 'b.png', bytes: bitmapPng(4000, 2501) }, 10_000_000)).rejects.toMatchObject({
      code: 'payload_too_large',
      details: { file: 'b.png' },
    });
  });

  it('turns non-images, broken headers and truncated data into 415/422 naming the file', async () => {
    const text = new TextEncoder().encode('hello');
    await expect(inspectUpload({ filename: 'a.txt', bytes: text }, 1e8)).rejects.toMatchObject({
      code: 'unsupported_media_type',
      details: { file: 'a.txt' },
    });
    const header = bitmapPng(10, 10).subarray(0, 20);
    await expect(inspectUpload({ filename: 'b.png', bytes: header }, 1e8)).rejects.toMatchObject({
      code: 'unprocessable',
      details: { file: 'b.png' },
    });
    const half = await inspectUpload({ filename: 'c.png', bytes: await truncatedPng() }, 1e8);
    await expect(renderUpload(half, (open) => open().jpeg().toBuffer())).rejects.toMatchObject({
      code: 'unprocessable',
      details: { file: 'c.png' },
    });
  });
});
