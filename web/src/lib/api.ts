/** Thin fetch wrapper for the Gallerist JSON API: CSRF header, typed errors, JSON in and out. */

export type ApiErrorCode =
  | 'validation_failed'
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'forbidden'
  | 'csrf_failed'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'network_error'
  | 'http_error'
  | (string & {});

export type ApiErrorDetails = { fieldErrors?: Record<string, string[]> } & Record<string, unknown>;

export type ApiError = Error & {
  name: 'ApiError';
  status: number;
  code: ApiErrorCode;
  details: ApiErrorDetails | null;
};

export const CSRF_COOKIE = 'gallerist_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export function createApiError(
  status: number,
  code: ApiErrorCode,
  message: string,
  details: ApiErrorDetails | null = null,
): ApiError {
  return Object.assign(new Error(message), { name: 'ApiError' as const, status, code, details });
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof Error && error.name === 'ApiError' && 'code' in error;
}

/** Turns any response body into an ApiError; tolerant of proxies that answer with HTML or nothing. */
export function parseApiError(status: number, body: unknown): ApiError {
  if (body && typeof body === 'object' && 'error' in body) {
    const error = (body as { error: unknown }).error;
    if (error && typeof error === 'object') {
      const { code, message, details } = error as { code?: unknown; message?: unknown; details?: unknown };
      return createApiError(
        status,
        typeof code === 'string' ? code : 'http_error',
        typeof message === 'string' && message ? message : defaultMessage(status),
        details && typeof details === 'object' ? (details as ApiErrorDetails) : null,
      );
    }
  }
  return createApiError(status, 'http_error', defaultMessage(status));
}

function defaultMessage(status: number): string {
  if (status === 429) return 'Too many requests. Please wait a moment and try again.';
  if (status >= 500) return 'The server had a problem handling this request. Please try again.';
  if (status === 404) return 'Not found.';
  return `Request failed (${status}).`;
}

/** Human message for any thrown value, for toasts and alerts. */
export function errorMessage(error: unknown): string {
  if (isApiError(error)) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}

export function readCookie(name: string): string | undefined {
  if (typeof document === 'undefined') return undefined;
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

// The session payload also carries the token; it is the fallback when the cookie is unreadable.
let payloadCsrfToken: string | undefined;

export function rememberCsrfToken(token: string | undefined | null): void {
  if (token) payloadCsrfToken = token;
}

function csrfToken(): string | undefined {
  return readCookie(CSRF_COOKIE) ?? payloadCsrfToken;
}

/** A first POST (e.g. sign-in) may come before anything set the cookie, so ask the session endpoint for one. */
async function ensureCsrfToken(): Promise<string | undefined> {
  const existing = csrfToken();
  if (existing) return existing;
  try {
    const res = await fetch('/api/auth/session', {
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    });
    if (res.ok) {
      const body = (await res.json()) as { csrfToken?: string };
      rememberCsrfToken(body.csrfToken);
    }
  } catch {
    // The real request below reports the network failure.
  }
  return csrfToken();
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export type RequestOptions = {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
};

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

export async function apiRequest<T>(path: string, options: RequestOptions = {}, retried = false): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const token = await ensureCsrfToken();
    if (token) headers[CSRF_HEADER] = token;
  }

  let res: Response;
  try {
    res = await fetch(withQuery(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw createApiError(0, 'network_error', 'Could not reach the server. Check your connection and try again.');
  }

  const text = res.status === 204 ? '' : await res.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }

  if (!res.ok) {
    const error = parseApiError(res.status, body);
    // A rotated or expired CSRF token is recoverable once: refresh it from the session and retry.
    if (error.code === 'csrf_failed' && !retried) {
      payloadCsrfToken = undefined;
      await ensureCsrfToken();
      return apiRequest<T>(path, options, true);
    }
    throw error;
  }
  return body as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => apiRequest<T>(path, { query, signal }),
  post: <T>(path: string, body?: unknown) => apiRequest<T>(path, { method: 'POST', body: body ?? {} }),
  patch: <T>(path: string, body?: unknown) => apiRequest<T>(path, { method: 'PATCH', body: body ?? {} }),
  delete: <T = void>(path: string) => apiRequest<T>(path, { method: 'DELETE' }),
};

/** Splits a server error into per-field messages (for the fields a form shows) and a form-level message. */
export function formErrorsFrom<K extends string>(
  error: unknown,
  fields: readonly K[],
): { fieldErrors: Partial<Record<K, string>>; formError: string | null } {
  const fieldErrors: Partial<Record<K, string>> = {};
  if (!isApiError(error)) return { fieldErrors, formError: errorMessage(error) };
  const serverFields = error.details?.fieldErrors;
  if (!serverFields || typeof serverFields !== 'object') return { fieldErrors, formError: error.message };
  const unmatched: string[] = [];
  for (const [field, messages] of Object.entries(serverFields)) {
    const first = Array.isArray(messages) ? messages[0] : undefined;
    if (!first) continue;
    if ((fields as readonly string[]).includes(field)) fieldErrors[field as K] = first;
    else unmatched.push(first);
  }
  const formError = unmatched.length > 0 ? unmatched.join(' ') : Object.keys(fieldErrors).length ? null : error.message;
  return { fieldErrors, formError };
}
