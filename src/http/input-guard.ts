import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors.ts';
import type { AppEnv } from './context.ts';

// Keys that reach Object.prototype when code indexes a plain object with them.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// C0 controls and DEL, except tab, newline and carriage return, which multi-line text legitimately holds.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const MAX_DEPTH = 32;

/** Why a string can't be stored as text, or null when it can. */
export function textProblem(value: string): string | null {
  if (CONTROL.test(value)) return 'Must not contain control characters';
  if (LONE_SURROGATE.test(value)) return 'Must be valid Unicode text';
  return null;
}

/** The first problem in a parsed JSON value as `[path, message]`, or null; walks at most MAX_DEPTH levels. */
export function jsonProblem(value: unknown, path: string[] = [], depth = 0): [string, string] | null {
  if (typeof value === 'string') {
    const p = textProblem(value);
    return p ? [path.join('.'), p] : null;
  }
  if (value === null || typeof value !== 'object') return null;
  if (depth >= MAX_DEPTH) return [path.join('.'), `Nested more than ${MAX_DEPTH} levels deep`];
  const entries = Array.isArray(value) ? value.entries() : Object.entries(value);
  for (const [key, child] of entries) {
    const at = [...path, String(key)];
    if (typeof key === 'string') {
      if (FORBIDDEN_KEYS.has(key)) return [at.join('.'), 'This field name is not allowed'];
      const p = textProblem(key);
      if (p) return [at.join('.'), p];
    }
    const found = jsonProblem(child, at, depth + 1);
    if (found) return found;
  }
  return null;
}

function reject([field, message]: [string, string]): never {
  const fieldErrors: Record<string, string[]> = Object.create(null);
  const formErrors: string[] = [];
  if (field) fieldErrors[field] = [message];
  else formErrors.push(message);
  throw new AppError('validation_failed', field ? `${field}: ${message}` : message, { fieldErrors, formErrors });
}

/**
 * Rejects, before any route sees them, inputs that would crash or poison later code: prototype keys, control
 * characters (Postgres refuses NUL), lone surrogates and absurd nesting, in the JSON body, the query and the path.
 * The body text stays cached on the request for the route's own validator.
 */
export function inputGuard(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(c.req.url).pathname);
    } catch {
      throw new AppError('bad_request', 'The URL is not validly encoded');
    }
    const pathProblem = textProblem(path);
    if (pathProblem) reject(['path', pathProblem]);
    for (const [key, value] of new URL(c.req.url).searchParams) {
      const p = FORBIDDEN_KEYS.has(key)
        ? 'This parameter name is not allowed'
        : (textProblem(key) ?? textProblem(value));
      if (p) reject([key, p]);
    }
    const type = c.req.header('content-type') ?? '';
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && /^application\/([\w.+-]+\+)?json/i.test(type)) {
      const text = await c.req.text();
      if (text.trim()) {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          throw new AppError('invalid_json', 'The request body is not valid JSON');
        }
        const problem = jsonProblem(body);
        if (problem) reject(problem);
      }
    }
    await next();
  };
}
