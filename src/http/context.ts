import type { Logger } from 'pino';
import type { Assembly, ModuleDeps } from '../modules.ts';
import type { PublicReadCache } from './public-cache.ts';

/**
 * Everything a request handler may use; built once at boot and shared by all requests: the deps every module was
 * built from (including the commerce hooks), and the assembly itself.
 */
export interface Deps extends ModuleDeps {
  assembly: Assembly;
  /** Where the local Stripe emulator listens, when the app runs against it. */
  emulatorUrl?: string;
  /** Mount `/dev/mailbox` (see `devMailboxEnabled`); off unless the boot decided otherwise. */
  devMailbox?: boolean;
  /** Answers of public catalog reads kept until a write (embedded database only, see public-cache.ts). */
  publicCache?: PublicReadCache;
}

/** The signed-in user as the HTTP layer sees it. */
export interface AuthUser {
  id: string;
  email: string;
  name: string;
  isPlatformAdmin: boolean;
}

/** Hono environment shared by every route module. */
export interface AppEnv {
  Variables: {
    deps: Deps;
    requestId: string;
    log: Logger;
    user: AuthUser | null;
    sessionId: string | null;
    /** A CSRF token issued in this response (after sign-in or sign-out), so the payload matches the cookie. */
    csrfToken?: string;
  };
}
