// The accounts module's public surface: other domains import from here, never from its files.
export { type CheckedAccount, checkAccount, type Role } from './access.ts';
export { Email } from './fields.ts';
export { hashPassword, targetScryptN, verifyPassword } from './password.ts';
export { checkRateLimit, consumeRateLimit, hitRateLimit, rateLimited } from './rate-limit.ts';
export { createAccount, getSessionUser, requireRole, roleIn } from './service.ts';
export type { EmailLinkPurpose } from './tables.ts';
