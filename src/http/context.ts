import type { Logger } from 'pino';
import type Stripe from 'stripe';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { DB } from '../db/types.ts';

/** Everything a request handler may use; built once at boot and shared by all requests. */
export interface Deps {
  config: Config;
  db: DB;
  clock: Clock;
  logger: Logger;
  stripe: Stripe;
  /** Where the local Stripe emulator listens, when the app runs against it. */
  emulatorUrl?: string;
  /** Mount `/dev/mailbox` (see `devMailboxEnabled`); off unless the boot decided otherwise. */
  devMailbox?: boolean;
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
