import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// One CSPRNG call fills bytes for many ids: a randomBytes call per id was ~8% of a customers.create's CPU.
const pool = Buffer.allocUnsafe(4096);
let poolPos = pool.length;

function randomByte(): number {
  if (poolPos === pool.length) {
    randomFillSync(pool);
    poolPos = 0;
  }
  return pool[poolPos++];
}

/** Random base62 string of the given length (rejection sampling keeps it unbiased). */
export function base62(length: number): string {
  let out = '';
  while (out.length < length) {
    const byte = randomByte();
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out;
}

/** Stripe-style id such as `cus_…`; checkout sessions get the long `cs_test_…` form. */
export function newId(prefix: string): string {
  if (prefix === 'cs') return `cs_test_${base62(58)}`;
  if (prefix === 'cus' || prefix === 'prod' || prefix === 'acct') return `${prefix}_${base62(14)}`;
  return `${prefix}_${base62(24)}`;
}
