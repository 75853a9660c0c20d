import { describe, expect, it } from 'vitest';
import { groupCommit } from './group-commit.ts';

// A write whose batches the test finishes by hand, in any order.
function heldWrite() {
  const batches: Array<{ items: number[]; finish: () => void; fail: (err: Error) => void }> = [];
  const write = (items: number[]) => {
    const done = new Promise<void>((resolve, reject) => {
      batches.push({ items, finish: resolve, fail: reject });
    });
    return items.map(async (i) => {
      await done;
      if (i < 0) throw new Error(`item ${i} refused`);
      return `r${i}`;
    });
  };
  return { batches, write };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('groupCommit', () => {
  it('writes a lone item at once, and the items that arrive while batches are in flight together next', async () => {
    const { batches, write } = heldWrite();
    const submit = groupCommit(write, { inFlight: 2, maxBatch: 3 });
    const results = [1, 2, 3, 4, 5, 6, 7].map((i) => submit(i));
    await tick();
    expect(batches.map((b) => b.items)).toEqual([[1], [2]]);
    batches[1].finish();
    await tick();
    // One slot free: the next batch takes as many waiting items as it may.
    expect(batches.map((b) => b.items)).toEqual([[1], [2], [3, 4, 5]]);
    batches[0].finish();
    await tick();
    expect(batches.map((b) => b.items)).toEqual([[1], [2], [3, 4, 5], [6, 7]]);
    batches[2].finish();
    batches[3].finish();
    expect(await Promise.all(results)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7']);
  });

  it('fails only the items of a failed batch, and goes on with the next', async () => {
    const { batches, write } = heldWrite();
    const submit = groupCommit(write, { inFlight: 1 });
    const first = submit(1);
    const later = [2, 3].map((i) => submit(i));
    await tick();
    batches[0].fail(new Error('disk full'));
    await expect(first).rejects.toThrow('disk full');
    await tick();
    expect(batches[1].items).toEqual([2, 3]);
    batches[1].finish();
    expect(await Promise.all(later)).toEqual(['r2', 'r3']);
  });

  it('fails one item alone when the write refuses only it', async () => {
    const { batches, write } = heldWrite();
    const submit = groupCommit(write, { inFlight: 1 });
    const results = [1, 2, -3, 4].map((i) => submit(i).catch((err: Error) => err.message));
    await tick();
    batches[0].finish();
    await tick();
    batches[1].finish();
    expect(await Promise.all(results)).toEqual(['r1', 'r2', 'item -3 refused', 'r4']);
  });

  it('refuses a write that answers for fewer items than it was given', async () => {
    const submit = groupCommit((items: number[]) => items.slice(1).map(async (i) => i));
    const [a, b] = [submit(1), submit(2)];
    await expect(a).rejects.toThrow('group write answered 0 of 1');
    await expect(b).rejects.toThrow('group write answered 0 of 1');
  });
});
