import { invalid } from './errors.ts';

/** The account's default API version: the one the installed `stripe` SDK pins (`Stripe.API_VERSION`). */
export const DEFAULT_API_VERSION = '2026-10-28.endive';

const VERSION_RE = /^(\d{4})-(\d{2})-(\d{2})(?:\.([a-z]+))?$/;

/** True for a well-formed version: a real date from 2011 on, optionally with a release name (`2025-09-30.clover`). */
export function isApiVersion(value: string): boolean {
  const m = VERSION_RE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y >= 2011 && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Stripe's 400 for a malformed `Stripe-Version` header or `api_version` param. */
export function invalidApiVersion(value: string, param?: string) {
  return invalid(`Invalid Stripe API version: ${value}`, param);
}
