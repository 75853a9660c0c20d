import { appendFileSync } from 'node:fs';

/**
 * What one reliability test tried and what went wrong. `npm run test:reliability` collects these (one JSON line per
 * trial in GALLERIST_RELIABILITY_OUT) into docs/RELIABILITY.md; in `npm test` recording is a no-op.
 */
export interface Trial {
  test: string;
  database: string;
  seed: number;
  /** What was done, counted: `{ checkouts: 120, deliveries: 1400, kills: 2 }`. */
  tried: Record<string, number>;
  lost: number;
  duplicated: number;
  leaked: number;
  /** Other measured facts worth printing (durations, refusals). */
  notes?: string[];
}

export function recordTrial(trial: Trial): void {
  const out = process.env.GALLERIST_RELIABILITY_OUT;
  if (out) appendFileSync(out, `${JSON.stringify(trial)}\n`);
}

/** The run's seed: GALLERIST_SEED replays a failure; otherwise a fresh one, printed so it can be. */
export function reliabilitySeed(): number {
  const given = Number(process.env.GALLERIST_SEED);
  return Number.isInteger(given) && given > 0 ? given : Math.floor(Math.random() * 2 ** 31) + 1;
}

/** Full-size runs under `npm run test:reliability`; the small deterministic subset in `npm test`. */
export const fullReliability = process.env.GALLERIST_RELIABILITY === 'full';

/** A small seeded PRNG (mulberry32): the same seed replays the same shuffles, picks and kills. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    shuffle<T>(xs: T[]): T[] {
      for (let i = xs.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [xs[i], xs[j]] = [xs[j], xs[i]];
      }
      return xs;
    },
  };
}
