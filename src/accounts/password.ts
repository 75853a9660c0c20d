import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** OWASP's scrypt recommendation: N=2^17 (128 MiB per hash with r=8), r=8, p=1. */
export const SCRYPT_N = 2 ** 17;
const r = 8;
const p = 1;
const KEYLEN = 32;
// Enough for N=2^17 with r=8 (128 MiB) plus headroom; a stored hash asking for more is refused, not computed.
const MAXMEM = 256 * 1024 * 1024;

/**
 * The cost new hashes get. Always SCRYPT_N, except that a test run (NODE_ENV=test or VITEST) may lower it
 * explicitly with GALLERIST_TEST_SCRYPT_N (a power of two, 2^10..2^17) so suites that hash and verify hundreds of
 * passwords stay fast. Without that variable, tests use the production cost too.
 */
export function targetScryptN(env: NodeJS.ProcessEnv = process.env): number {
  const override = env.GALLERIST_TEST_SCRYPT_N;
  if (!override || !(env.NODE_ENV === 'test' || env.VITEST)) return SCRYPT_N;
  const n = Number(override);
  if (!Number.isInteger(n) || n < 2 ** 10 || n > SCRYPT_N || (n & (n - 1)) !== 0) {
    throw new Error(`GALLERIST_TEST_SCRYPT_N must be a power of two from 1024 to ${SCRYPT_N}, got ${override}`);
  }
  return n;
}

function derive(password: string, salt: Buffer, n: number, rr: number, pp: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEYLEN, { N: n, r: rr, p: pp, maxmem: MAXMEM }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

interface ParsedHash {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

function parse(stored: string): ParsedHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [, n, rr, pp, salt, hash] = parts;
  const params = { n: Number(n), r: Number(rr), p: Number(pp) };
  if (!Object.values(params).every((v) => Number.isInteger(v) && v > 0)) return null;
  return { ...params, salt: Buffer.from(salt, 'base64url'), hash: Buffer.from(hash, 'base64url') };
}

/**
 * Hashes a password with scrypt; the parameters travel in the string so they can be raised later (see
 * `needsRehash`). `n` is for tests that need a specific cost, such as an old hash to upgrade.
 */
export async function hashPassword(password: string, opts: { n?: number } = {}): Promise<string> {
  const n = opts.n ?? targetScryptN();
  const salt = randomBytes(16);
  const key = await derive(password, salt, n, r, p);
  return `scrypt$${n}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Checks a password against a stored hash in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.n, parsed.r, parsed.p);
  return key.length === parsed.hash.length && timingSafeEqual(key, parsed.hash);
}

/** True when a stored hash uses weaker parameters than new hashes get, so a verified password should be re-hashed. */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  if (!parsed) return true;
  return parsed.n < targetScryptN() || parsed.r < r || parsed.p < p || parsed.hash.length < KEYLEN;
}

// A real hash of a random password, so unknown emails cost the same time as wrong passwords; one per cost, so it
// always matches the cost real hashes get.
const dummyHashes = new Map<number, Promise<string>>();
/** A hash to verify against when the user does not exist, to keep sign-in timing uniform. */
export function timingDummyHash(): Promise<string> {
  const n = targetScryptN();
  let dummy = dummyHashes.get(n);
  if (!dummy) {
    dummy = hashPassword(randomBytes(16).toString('hex'), { n });
    dummyHashes.set(n, dummy);
  }
  return dummy;
}
