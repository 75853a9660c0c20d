import { SUPPORTED_CURRENCIES, unsupportedCurrencyMessage } from './currencies.ts';
import { invalid, requiredParam } from './errors.ts';
import type { Obj } from './state.ts';

/** A param validator: coerces a raw (string/nested) value or throws a Stripe 400 naming `path`. */
export type V = ((value: unknown, path: string) => unknown) & { required?: boolean };

/** Splits `a[b][0][]` into `['a','b','0','']`. */
function keySegments(key: string): string[] {
  const first = key.indexOf('[');
  if (first < 0) return [key];
  const segs = [key.slice(0, first)];
  const re = /\[([^\]]*)\]/g;
  for (let m = re.exec(key.slice(first)); m; m = re.exec(key.slice(first))) segs.push(m[1]);
  return segs;
}

/** Builds a nested object from form pairs; arrays stay index-keyed objects until a validator asks for an array. */
export function parseForm(pairs: Iterable<[string, string]>, into: Obj = {}): Obj {
  for (const [key, value] of pairs) {
    const segs = keySegments(key);
    let node: Obj = into;
    for (let i = 0; i < segs.length; i++) {
      let seg = segs[i];
      // `x[]` appends: pick the next free numeric slot.
      if (seg === '') seg = String(Object.keys(node).length);
      if (i === segs.length - 1) {
        node[seg] = value;
      } else {
        if (typeof node[seg] !== 'object' || node[seg] === null) node[seg] = {};
        node = node[seg];
      }
    }
  }
  return into;
}

/** Converts JSON request bodies to the same all-strings shape form bodies produce. */
export function stringifyLeaves(value: unknown): unknown {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return Object.fromEntries(value.map((v, i) => [String(i), stringifyLeaves(v)]));
  if (typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringifyLeaves(v)]));
  return String(value);
}

const isPlain = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Marks a validator as required within its `obj` shape. */
export function req(v: V): V {
  const wrapped: V = (value, path) => v(value, path);
  wrapped.required = true;
  return wrapped;
}

/** Any string; empty string means "unset" and becomes null. */
export const str: V = (value, path) => {
  if (typeof value !== 'string') throw invalid(`Invalid string: ${JSON.stringify(value)}`, path);
  return value === '' ? null : value;
};

/** Integer with optional bounds. */
export function int(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): V {
  return (value, path) => {
    if (value === '') return null;
    const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n)) throw invalid(`Invalid integer: ${String(value)}`, path);
    if (n < min || n > max) {
      throw invalid(`Invalid integer: ${n}; must be between ${min} and ${max}`, path);
    }
    return n;
  };
}

/** Non-negative decimal number (e.g. chaos rates, unit_amount_decimal). */
export function num(min = 0, max = Number.MAX_VALUE): V {
  return (value, path) => {
    const n = typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isNaN(n) || n < min || n > max) throw invalid(`Invalid decimal: ${String(value)}`, path);
    return n;
  };
}

/** `true`/`false` strings. */
export const bool: V = (value, path) => {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalid(`Invalid boolean: ${String(value)}`, path);
};

/** One of a fixed set of strings. */
export function oneOf(...allowed: string[]): V {
  return (value, path) => {
    if (value === '') return null;
    if (typeof value !== 'string' || !allowed.includes(value)) {
      throw invalid(`Invalid ${path}: must be one of ${allowed.join(', ')}`, path);
    }
    return value;
  };
}

/** A currency Stripe supports (any case in, lowercase out). */
export const currency: V = (value, path) => {
  const code = typeof value === 'string' ? value.toLowerCase() : '';
  if (!SUPPORTED_CURRENCIES.has(code)) throw invalid(unsupportedCurrencyMessage(String(value)), path);
  return code;
};

/** Array (sent as `x[0]=…` or `x[]=…`); empty string clears it. */
export function arr(item: V): V {
  return (value, path) => {
    if (value === '') return [];
    if (typeof value === 'string') return [item(value, `${path}[0]`)];
    if (!isPlain(value)) throw invalid(`Invalid array`, path);
    const keys = Object.keys(value);
    if (keys.some((k) => !/^\d+$/.test(k))) throw invalid(`Invalid array`, path);
    return keys.sort((a, b) => Number(a) - Number(b)).map((k) => item(value[k], `${path}[${k}]`));
  };
}

/** Nested hash with a fixed shape; unknown keys are rejected like Stripe does. */
export function obj(shape: Record<string, V>): V {
  return (value, path) => {
    if (value === '') return null;
    if (!isPlain(value)) throw invalid(`Invalid object`, path);
    const out: Obj = {};
    for (const [k, raw] of Object.entries(value)) {
      const p = path ? `${path}[${k}]` : k;
      const v = shape[k];
      if (!v) throw invalid(`Received unknown parameter: ${p}`, p, 'parameter_unknown');
      out[k] = v(raw, p);
    }
    for (const [k, v] of Object.entries(shape)) {
      if (v.required && (out[k] === undefined || out[k] === null)) throw requiredParam(path ? `${path}[${k}]` : k);
    }
    return out;
  };
}

/** Metadata: string values; `''` as a value deletes that key, `metadata=''` clears all (marker: null). */
export const metadata: V = (value, path) => {
  if (value === '') return null;
  if (!isPlain(value)) throw invalid('Invalid metadata', path);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw invalid(`Invalid value for metadata key ${k}`, `${path}[${k}]`);
    if (k.length > 40) throw invalid('Metadata keys can be at most 40 characters', `${path}[${k}]`);
    if (v.length > 500) throw invalid('Metadata values can be at most 500 characters', `${path}[${k}]`);
    out[k] = v;
  }
  if (Object.keys(out).length > 50) throw invalid('Metadata can have at most 50 keys', path);
  return out;
};

/** Applies a metadata param to existing metadata (merge; '' deletes a key; null clears). */
export function mergeMetadata(current: Obj, patch: Obj | null | undefined): Obj {
  if (patch === undefined) return current;
  if (patch === null) return {};
  const next = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === '') delete next[k];
    else next[k] = v;
  }
  return next;
}

/** Timestamp filter: either an integer or `{gt,gte,lt,lte}`. */
export const range: V = (value, path) => {
  if (typeof value === 'string') return { eq: int()(value, path) };
  return obj({ gt: int(), gte: int(), lt: int(), lte: int() })(value, path);
};

/** True when `n` satisfies a `range` filter value. */
export function inRange(n: number, r: Obj | undefined): boolean {
  if (!r) return true;
  if (r.eq !== undefined && n !== r.eq) return false;
  if (r.gt !== undefined && !(n > r.gt)) return false;
  if (r.gte !== undefined && !(n >= r.gte)) return false;
  if (r.lt !== undefined && !(n < r.lt)) return false;
  if (r.lte !== undefined && !(n <= r.lte)) return false;
  return true;
}

/** Address hash used by customers, shipping and billing details. */
export const address: V = obj({
  city: str,
  country: str,
  line1: str,
  line2: str,
  postal_code: str,
  state: str,
});

/** Full address object with every key present (null when not given). */
export function fullAddress(a: Obj | null | undefined): Obj {
  return {
    city: a?.city ?? null,
    country: a?.country ?? null,
    line1: a?.line1 ?? null,
    line2: a?.line2 ?? null,
    postal_code: a?.postal_code ?? null,
    state: a?.state ?? null,
  };
}

/** Params accepted by every list endpoint. */
export const listParams: Record<string, V> = {
  limit: int(1, 100),
  starting_after: str,
  ending_before: str,
  created: range,
};

/** Validates a request's params against a shape (plus `expand`, accepted everywhere). */
export function validate(params: Obj, shape: Record<string, V>): Obj {
  return obj({ ...shape, expand: arr(str) })(params, '') as Obj;
}
