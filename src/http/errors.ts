import type { ErrorCode } from '../errors.ts';

/** The single map from error codes to HTTP status. */
export const errorStatus = {
  validation_failed: 400,
  bad_request: 400,
  invalid_json: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  conflict: 409,
  insufficient_balance: 409,
  invalid_state: 409,
  gone: 410,
  unprocessable: 422,
  rate_limited: 429,
  payment_failed: 402,
  upstream_error: 502,
  unavailable: 503,
  internal: 500,
} as const satisfies Record<ErrorCode, number>;
