import { describe, expect, it } from 'vitest';
import { createJobSignal } from './signal.ts';

// The runner waits on `quiet` before each batch: it must let requests finish first, and never wait past its bound.
describe('job signal: requests first', () => {
  it('is quiet at once with no request in flight', async () => {
    const s = createJobSignal();
    let resolved = false;
    await s.quiet(10_000).then(() => {
      resolved = true;
    });
    expect(resolved).toBe(true);
  });

  it('waits until the last request in flight is answered', async () => {
    const s = createJobSignal();
    const a = s.requestStarted();
    const b = s.requestStarted();
    let resolved = false;
    const waiting = s.quiet(10_000).then(() => {
      resolved = true;
    });
    a();
    a(); // answering twice counts once
    await new Promise((r) => setImmediate(r));
    expect(resolved).toBe(false);
    b();
    await waiting;
    expect(resolved).toBe(true);
  });

  it('gives up waiting after its bound, so steady traffic never stops the queue', async () => {
    const s = createJobSignal();
    s.requestStarted();
    let resolved = false;
    const waiting = s.quiet(20).then(() => {
      resolved = true;
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(resolved).toBe(false);
    await waiting;
    expect(resolved).toBe(true);
  });
});
