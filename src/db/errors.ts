// Postgres reports failures by SQLSTATE; pg and PGlite both put it on the thrown error's `code`.

/** The SQLSTATE code of a database error, or null for anything else. */
export function pgErrorCode(err: unknown): string | null {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : null;
}

/** True for a unique violation (23505); with `constraint`, only when that constraint or index was hit. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (pgErrorCode(err) !== '23505') return false;
  if (!constraint) return true;
  const e = err as { constraint?: unknown; message?: unknown };
  return e.constraint === constraint || String(e.message).includes(constraint);
}

/** True when the transaction lost a serialization or deadlock race (40001, 40P01): nothing was written. */
export function isTransactionConflict(err: unknown): boolean {
  const code = pgErrorCode(err);
  return code === '40001' || code === '40P01';
}
