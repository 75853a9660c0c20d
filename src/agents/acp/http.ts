import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import { withService } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { isAppError } from '../../errors.ts';
import type { AppEnv } from '../../http/context.ts';
import { errorStatus } from '../../http/errors.ts';
import type { AcpErrorBody, AcpErrorType } from './schema.ts';

/*
 * The HTTP layer of our ACP seller endpoints (Agentic Checkout RFC §3 and §6), for a Hono sub-app:
 *
 *   app.onError(acpErrorHandler)
 *   app.use(acpHeaders(), agentPlatformAuth(), acpIdempotency())
 *
 * Errors are ACP's flat `{type, code, message, param?}` bodies, never the platform's `{error: {…}}`. The middlewares
 * answer their own refusals directly (they don't depend on the sub-app's onError); handlers throw `acpError(…)` or
 * return the result of `parseAcpBody` failures through `acpErrorHandler`.
 */

/** The ACP release these endpoints implement (sent back in the `API-Version` response header). */
export const ACP_API_VERSION = '2026-04-17';
/** Versions we accept in the `API-Version` request header, oldest first. */
export const SUPPORTED_VERSIONS: readonly string[] = ['2026-04-17'];

/** How long a key maps to its response (RFC §6.6: at least 24 h); older rows are ignored, then pruned. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;
/** Job name of the daily prune (`pruneAcpIdempotencyKeys`); the agents module wires it with `acpIdempotencySchedule`. */
export const ACP_IDEMPOTENCY_PRUNE_JOB = 'agents.acp_idempotency_prune';
export const acpIdempotencySchedule = {
  name: ACP_IDEMPOTENCY_PRUNE_JOB,
  intervalSeconds: 86_400,
  firstRunAfterSeconds: 3600,
} as const;

// ----- errors -------------------------------------------------------------------------------------------------

/** A protocol error: the HTTP status and the flat body ACP clients read (plus any response headers). */
export class AcpError extends Error {
  readonly status: ContentfulStatusCode;
  readonly body: AcpErrorBody;
  readonly headers: Record<string, string>;

  constructor(status: ContentfulStatusCode, body: AcpErrorBody, headers: Record<string, string> = {}) {
    super(body.message);
    this.name = 'AcpError';
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/** `throw acpError('invalid_request', 'requires_3ds', '…', '$.authentication_result', 400)`. */
export function acpError(
  type: AcpErrorType,
  code: string,
  message: string,
  param?: string,
  status: ContentfulStatusCode = type === 'invalid_request' ? 400 : type === 'service_unavailable' ? 503 : 500,
  extra: { supported_versions?: string[]; headers?: Record<string, string> } = {},
): AcpError {
  const body: AcpErrorBody = { type, code, message };
  if (param !== undefined) body.param = param;
  if (extra.supported_versions) body.supported_versions = extra.supported_versions;
  return new AcpError(status, body, extra.headers);
}

/** The flat JSON response for `err` (headers set on `c` so far, such as Request-Id, are kept). */
function render(c: Context, err: AcpError): Response {
  for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
  return c.json(err.body, err.status);
}

/**
 * RFC 9535 JSONPath (normalized-path style, with the `.name` shorthand where the name allows it) of a zod issue
 * path: `['line_items', 0, 'quantity']` → `$.line_items[0].quantity`.
 */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else {
      const name = String(seg);
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) out += `.${name}`;
      else {
        // RFC 9535 §2.7 normalized paths: single quotes, escaping backslash, quote and control characters.
        const escaped = name.replace(/[\\'\u0000-\u001f]/g, (ch) => {
          const named: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\b': '\\b', '\f': '\\f', '\n': '\\n' };
          const more: Record<string, string> = { '\r': '\\r', '\t': '\\t' };
          return named[ch] ?? more[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
        });
        out += `['${escaped}']`;
      }
    }
  }
  return out;
}

/** The 400 for a failed zod parse: `invalid_request`/`invalid`, `param` = JSONPath of the first issue. */
export function acpValidationError(error: z.core.$ZodError): AcpError {
  const issue = error.issues[0];
  if (!issue) return acpError('invalid_request', 'invalid', 'The request body is invalid');
  if (issue.code === 'unrecognized_keys') {
    return acpError(
      'invalid_request',
      'invalid',
      `Unknown field: ${issue.keys[0]}`,
      jsonPath([...issue.path, issue.keys[0]]),
    );
  }
  const param = jsonPath(issue.path);
  return acpError('invalid_request', 'invalid', `${param}: ${issue.message}`, param);
}

/** Parses `value` with `schema` or throws the ACP 400 for its first issue. */
export function parseAcpBody<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw acpValidationError(r.error);
  return r.data;
}

/** A `@hono/zod-openapi` hook (`new OpenAPIHono({ defaultHook: acpValidationHook })`): failures become ACP 400s. */
export function acpValidationHook(result: { success: true } | { success: false; error: z.core.$ZodError }): void {
  if (!result.success) throw acpValidationError(result.error);
}

const invalidJson = () => acpError('invalid_request', 'invalid_json', 'The request body is not valid JSON');

/**
 * `onError` of the ACP sub-app: AcpError as its flat body; zod failures as 400 `invalid`; unparseable JSON as 400
 * `invalid_json`; a platform AppError below 500 (e.g. not_found from a domain service) as `invalid_request` with its
 * code; anything else 500 `processing_error`, logged, with no internals in the body.
 */
export function acpErrorHandler<E extends AppEnv>(err: Error, c: Context<E>): Response {
  if (err instanceof AcpError) return render(c, err);
  if (err instanceof z.core.$ZodError) return render(c, acpValidationError(err));
  if (err instanceof SyntaxError) return render(c, invalidJson());
  if (err instanceof HTTPException && err.status < 500) {
    if (err.status === 413)
      return render(c, acpError('invalid_request', 'payload_too_large', 'The body is too large', undefined, 413));
    if (/json/i.test(err.message)) return render(c, invalidJson());
    return render(
      c,
      acpError(
        'invalid_request',
        'invalid',
        err.message || 'Bad request',
        undefined,
        err.status as ContentfulStatusCode,
      ),
    );
  }
  if (isAppError(err) && errorStatus[err.code] < 500) {
    return render(c, acpError('invalid_request', err.code, err.message, undefined, errorStatus[err.code]));
  }
  (c.get('log') ?? c.get('deps')?.logger)?.error({ err }, 'acp: unhandled error');
  return render(c, acpError('processing_error', 'internal_error', 'Something went wrong on our side; please retry'));
}

// ----- headers ------------------------------------------------------------------------------------------------

/** The body of a POST, read once (Hono caches it, so handlers can still `c.req.json()`). */
async function bodyText(c: Context): Promise<string> {
  return c.req.raw.body === null ? '' : c.req.text();
}

/**
 * ACP request headers (RFC §2.1, §3.1): `API-Version` is required and must be one we support (400
 * `missing_api_version` / `unsupported_api_version`, with `supported_versions`); `Request-Id` is echoed; a POST with
 * a body must say `Content-Type: application/json` (415). Every response carries our `API-Version`.
 */
export function acpHeaders() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const requestId = c.req.header('Request-Id');
    const echo = () => {
      c.header('API-Version', ACP_API_VERSION);
      if (requestId) c.header('Request-Id', requestId);
    };
    echo();
    const version = c.req.header('API-Version');
    const supported_versions = [...SUPPORTED_VERSIONS];
    if (!version) {
      return render(
        c,
        acpError('invalid_request', 'missing_api_version', 'The API-Version header is required', undefined, 400, {
          supported_versions,
        }),
      );
    }
    if (!SUPPORTED_VERSIONS.includes(version.trim())) {
      const message = `API-Version ${version} is not supported; use one of ${supported_versions.join(', ')}`;
      return render(
        c,
        acpError('invalid_request', 'unsupported_api_version', message, undefined, 400, { supported_versions }),
      );
    }
    if (c.req.method === 'POST' && (await bodyText(c)).length > 0) {
      const type = (c.req.header('Content-Type') ?? '').split(';')[0].trim().toLowerCase();
      if (type !== 'application/json') {
        const message = 'Send the request body as JSON with Content-Type: application/json';
        return render(c, acpError('invalid_request', 'unsupported_media_type', message, undefined, 415));
      }
    }
    await next();
    // A handler may have returned a Response of its own: the headers go on whatever is sent.
    echo();
  });
}

// ----- idempotency --------------------------------------------------------------------------------------------

/**
 * The request fingerprint of RFC §6.2: SHA-256 of the RFC 8785 (JCS) canonical JSON of the parsed body: key order
 * does not matter, `1.0` equals `1` (JSON.parse already makes them one number; JCS prints it one way), `null` differs
 * from an absent key and arrays keep their order. `canonicalize` is the JCS reference implementation on npm (by one
 * of the RFC's authors). A POST without a body fingerprints as the empty string, unlike any JSON value.
 */
export function requestFingerprint(body: unknown): string {
  const canonical = body === undefined ? '' : (canonicalize(body) ?? '');
  return createHash('sha256').update(canonical).digest('hex');
}

const DEFAULT_IN_FLIGHT_TIMEOUT_MS = 5 * 60 * 1000;

/** Response headers stored with a response and sent again on replay (the rest are per request). */
const STORED_HEADERS = ['content-type', 'location', 'cache-control', 'content-language'];

type IdempotencyEnv = AppEnv & { Variables: { platform?: { id: string } } };

type Claim =
  | { kind: 'claimed'; id: string }
  | {
      kind: 'existing';
      row: {
        fingerprint: string;
        status: string;
        response_status: number | null;
        response_headers: unknown;
        response_body: string | null;
      } | null;
    };

/**
 * RFC §6 for POST requests (other methods pass through). Mount it after the middleware that sets `c.var.platform`:
 * keys are scoped to the platform's id and the request path. The first request with a key claims it (an `in_flight`
 * row, committed before the handler runs); then
 * - the same key while the first is still running → 409 `idempotency_in_flight`, `Retry-After: 1`;
 * - the same key with a different body → 422 `idempotency_conflict` (whatever the first request's state);
 * - the same key and body after a 2xx/4xx → the stored status, body and headers, with `Idempotent-Replayed: true`;
 * - a 5xx or an error thrown through this middleware deletes the claim: nothing cached, a retry runs fresh.
 * Rows older than 24 h (by the app clock) are ignored and replaced; `pruneAcpIdempotencyKeys` deletes them. A claim
 * left `in_flight` longer than `inFlightTimeoutMs` (a crashed process) is taken over by the next request.
 * Every POST response echoes `Idempotency-Key`.
 */
export function acpIdempotency(opts: { allowAnonymous?: boolean; inFlightTimeoutMs?: number } = {}) {
  const inFlightTimeoutMs = opts.inFlightTimeoutMs ?? DEFAULT_IN_FLIGHT_TIMEOUT_MS;
  return createMiddleware<IdempotencyEnv>(async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const key = c.req.header('Idempotency-Key');
    if (!key) {
      const message = 'Idempotency-Key header is required on all POST requests';
      return render(c, acpError('invalid_request', 'idempotency_key_required', message));
    }
    c.header('Idempotency-Key', key);
    if (key.length > 255) {
      const message = 'Idempotency-Key must be at most 255 characters';
      return render(c, acpError('invalid_request', 'invalid', message));
    }
    const platform = c.get('platform');
    if (!platform && !opts.allowAnonymous) {
      throw new Error('acpIdempotency() needs c.var.platform: mount it after the platform authentication');
    }
    const scope = platform?.id ?? 'anonymous';
    const path = c.req.path;

    const text = await bodyText(c);
    let body: unknown;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        return render(c, invalidJson());
      }
    }
    const { db, clock, logger } = c.get('deps');
    let started: IdempotencyStart;
    try {
      started = await startIdempotentRequest(db, clock, { scope, path, key, body, inFlightTimeoutMs });
    } catch (err) {
      if (err instanceof AcpError) return render(c, err);
      throw err;
    }
    if (started.kind === 'replay') {
      const stored = started.response;
      const headers = new Headers(stored.headers);
      headers.set('Idempotency-Key', key);
      headers.set('Idempotent-Replayed', 'true');
      // Through c.body so the headers set by outer middleware (Request-Id, API-Version) are kept.
      for (const [k, v] of headers) c.header(k, v);
      return c.body(stored.body, stored.status as ContentfulStatusCode);
    }

    try {
      await next();
    } catch (err) {
      await started.release().catch(() => {});
      throw err;
    }
    c.header('Idempotency-Key', key);
    const res = c.res;
    if (res.status >= 500) {
      await started.release();
      return;
    }
    const stored: Record<string, string> = {};
    for (const name of STORED_HEADERS) {
      const v = res.headers.get(name);
      if (v !== null) stored[name] = v;
    }
    const responseBody = await res.clone().text();
    await started.complete({ status: res.status, headers: stored, body: responseBody }, c.get('log') ?? logger);
  });
}

/** One idempotent request (RFC §6): who sent it, to what, under which key, with which parsed body. */
export interface IdempotentRequest {
  /** The authenticated identity the key belongs to (the agent platform's id). */
  scope: string;
  /** What the request addresses: the REST path, or e.g. `mcp/complete_checkout_session` for the MCP binding. */
  path: string;
  key: string;
  /** The parsed request body, fingerprinted with `requestFingerprint` (undefined: no body). */
  body: unknown;
  /** A claim left `in_flight` longer than this (a crashed process) is taken over. Default 5 min. */
  inFlightTimeoutMs?: number;
}

/** A stored outcome (2xx/4xx only), replayed for the same key and body. */
export interface IdempotentResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The start of an idempotent request: either the stored response to replay, or a fresh claim that the caller must
 * `complete` (2xx/4xx: stored) or `release` (5xx, thrown: forgotten, a retry runs fresh).
 */
export type IdempotencyStart =
  | { kind: 'replay'; response: IdempotentResponse }
  | {
      kind: 'claimed';
      /** Stores the outcome; if that fails it is logged and the claim released (the response still stands). */
      complete(response: IdempotentResponse, log?: { error(obj: object, msg: string): void }): Promise<void>;
      release(): Promise<void>;
    };

/**
 * Claims `req.key` for `req.scope` + `req.path` (storage of RFC §6, shared by the REST middleware and the MCP
 * binding). Throws the ACP errors: 422 `idempotency_conflict` when the key was used with a different body, 409
 * `idempotency_in_flight` (`Retry-After: 1`) while the first request with the key is still running.
 */
export async function startIdempotentRequest(db: DB, clock: Clock, req: IdempotentRequest): Promise<IdempotencyStart> {
  const fingerprint = requestFingerprint(req.body);
  const inFlightTimeoutMs = req.inFlightTimeoutMs ?? DEFAULT_IN_FLIGHT_TIMEOUT_MS;
  const now = clock.now();
  const claim = await claimKey(db, {
    scope: req.scope,
    path: req.path,
    key: req.key,
    fingerprint,
    now,
    inFlightTimeoutMs,
  });
  if (claim.kind === 'existing') {
    const row = claim.row;
    if (row && row.fingerprint !== fingerprint) {
      const message = 'Idempotency-Key has already been used with a different request body';
      throw acpError('invalid_request', 'idempotency_conflict', message, undefined, 422);
    }
    if (row?.status !== 'completed' || row.response_status === null || row.response_body === null) {
      const message = 'A request with this Idempotency-Key is currently being processed';
      throw acpError('invalid_request', 'idempotency_in_flight', message, undefined, 409, {
        headers: { 'Retry-After': '1' },
      });
    }
    return {
      kind: 'replay',
      response: {
        status: row.response_status,
        headers: { ...(row.response_headers as Record<string, string> | null) },
        body: row.response_body,
      },
    };
  }
  const release = async () => {
    await withService(db, (tx) =>
      tx.deleteFrom('acp_idempotency_keys').where('id', '=', claim.id).where('status', '=', 'in_flight').execute(),
    );
  };
  return {
    kind: 'claimed',
    release,
    async complete(response, log) {
      try {
        await withService(db, (tx) =>
          tx
            .updateTable('acp_idempotency_keys')
            .set({
              status: 'completed',
              response_status: response.status,
              response_headers: JSON.stringify(response.headers),
              response_body: response.body,
              completed_at: clock.now(),
            })
            .where('id', '=', claim.id)
            .where('status', '=', 'in_flight')
            .execute(),
        );
      } catch (err) {
        // The response stands; without a stored copy the claim must not block retries.
        log?.error({ err }, 'acp: could not store the idempotent response');
        await release().catch(() => {});
      }
    },
  };
}

/**
 * Runs `run` at most once per key and body: a replay returns the stored response (`replayed: true`); a different
 * body or a request still in flight throws the ACP 422/409 (see `startIdempotentRequest`). A 5xx outcome or a throw
 * releases the claim; anything else is stored.
 */
export async function withIdempotency(
  db: DB,
  clock: Clock,
  req: IdempotentRequest,
  run: () => Promise<IdempotentResponse>,
  log?: { error(obj: object, msg: string): void },
): Promise<IdempotentResponse & { replayed: boolean }> {
  const started = await startIdempotentRequest(db, clock, req);
  if (started.kind === 'replay') return { ...started.response, replayed: true };
  let response: IdempotentResponse;
  try {
    response = await run();
  } catch (err) {
    await started.release().catch(() => {});
    throw err;
  }
  if (response.status >= 500) await started.release();
  else await started.complete(response, log);
  return { ...response, replayed: false };
}

async function claimKey(
  db: DB,
  k: { scope: string; path: string; key: string; fingerprint: string; now: Date; inFlightTimeoutMs: number },
): Promise<Claim> {
  const expired = new Date(k.now.getTime() - IDEMPOTENCY_RETENTION_MS);
  const abandoned = new Date(k.now.getTime() - k.inFlightTimeoutMs);
  return withService(db, async (tx) => {
    const sameKey = tx
      .deleteFrom('acp_idempotency_keys')
      .where('scope', '=', k.scope)
      .where('path', '=', k.path)
      .where('idempotency_key', '=', k.key);
    // An expired mapping is forgotten (a reused key is a new request), and so is a claim whose request died.
    await sameKey
      .where((eb) =>
        eb.or([
          eb('created_at', '<=', expired),
          eb.and([eb('status', '=', 'in_flight'), eb('created_at', '<=', abandoned)]),
        ]),
      )
      .execute();
    const inserted = await tx
      .insertInto('acp_idempotency_keys')
      .values({
        scope: k.scope,
        path: k.path,
        idempotency_key: k.key,
        fingerprint: k.fingerprint,
        status: 'in_flight',
        created_at: k.now,
      })
      .onConflict((oc) => oc.columns(['scope', 'path', 'idempotency_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return { kind: 'claimed', id: String(inserted.id) };
    // Lost the race (or the key is in use): read the committed row. Gone again in between → treat as in flight.
    const row = await tx
      .selectFrom('acp_idempotency_keys')
      .select(['fingerprint', 'status', 'response_status', 'response_headers', 'response_body'])
      .where('scope', '=', k.scope)
      .where('path', '=', k.path)
      .where('idempotency_key', '=', k.key)
      .executeTakeFirst();
    return { kind: 'existing', row: row ?? null };
  });
}

/** Deletes idempotency rows past retention (older than 24 h at `now`); returns how many. Run daily by the job. */
export async function pruneAcpIdempotencyKeys(db: DB, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - IDEMPOTENCY_RETENTION_MS);
  const r = await withService(db, (tx) =>
    tx.deleteFrom('acp_idempotency_keys').where('created_at', '<=', cutoff).executeTakeFirst(),
  );
  return Number(r.numDeletedRows);
}
