/** Every error code the platform returns; src/http/errors.ts maps each to a status. */
export const errorCodes = [
  'validation_failed',
  'bad_request',
  'invalid_json',
  'payload_too_large',
  'unsupported_media_type',
  'unauthenticated',
  'invalid_credentials',
  'forbidden',
  'csrf_failed',
  'not_found',
  'conflict',
  'insufficient_balance',
  'invalid_state',
  'gone',
  'unprocessable',
  'rate_limited',
  'payment_failed',
  'upstream_error',
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** The one error type domain code throws; the HTTP layer maps `code` to a status. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | null;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> | null = null) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

/** True when `err` is an AppError (also across module copies, which instanceof misses). */
export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError || (err instanceof Error && err.name === 'AppError' && 'code' in err);
}

/** Shorthand for the common 404. */
export function notFound(what: string, details: Record<string, unknown> | null = null): AppError {
  return new AppError('not_found', `${what} not found`, details);
}

/** Shorthand for the common 403. */
export function forbidden(message = 'You do not have access to this resource'): AppError {
  return new AppError('forbidden', message);
}
