import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { type CheckedAccount, checkAccount, type Role } from '../accounts/index.ts';
import type { Actor } from '../audit/index.ts';
import type { AccountKind } from '../db/account-kind.ts';
import { withUser } from '../db/tenancy.ts';
import type { Tx } from '../db/types.ts';
import { AppError, forbidden } from '../errors.ts';
import type { AppEnv, AuthUser } from './context.ts';

/*
 * Who may call a route, declared on the route (`route({ middleware: accountRole(…) })`) instead of written inline in
 * each handler. Each middleware checks what it can without the database (signed in, platform admin) and hands the
 * handler `c.var.access`, whose `tx` is the request's `withUser` transaction with the account check as its first
 * statement: the check and the work see the same snapshot, and a request opens one transaction, not one per check.
 * Nothing here holds a transaction across `next()`, so a handler can still commit, call Stripe and record the result.
 * Checks that depend on the thing acted on (the artist of a sale, the refunder of an order) live in the domain's
 * service functions, which answer "not found" to anyone who may not know it exists.
 */

export type { CheckedAccount, Role };

/** The signed-in caller of a route and the one way to run its work under RLS. */
export interface UserAccess {
  user: AuthUser;
  actor: Actor & { kind: 'user'; userId: string };
  /** Runs `fn` in a `withUser` transaction (RLS as the caller). */
  tx<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

/** `UserAccess` for routes scoped to one account: `tx` checks kind and role before running `fn`. */
export interface AccountAccess extends Omit<UserAccess, 'tx'> {
  /** `accountId` overrides where the route finds the account (e.g. an id in the request body). */
  tx<T>(fn: (tx: Tx, account: CheckedAccount) => Promise<T>, opts?: { accountId?: string }): Promise<T>;
}

/** Finds the account a route acts on from its path parameters, under the caller's RLS (404 when hidden). */
export type AccountLookup = (tx: Tx, params: Record<string, string>) => Promise<string>;

// Typed as the base context so the middlewares below, whose contexts add `access`, can share them.
type BaseContext = Pick<Context<AppEnv>, 'get'>;

function signedInUser(c: BaseContext): AuthUser {
  const user = c.get('user');
  if (!user) throw new AppError('unauthenticated', 'Sign in to continue');
  return user;
}

function userAccess(c: BaseContext, user: AuthUser): UserAccess {
  return {
    user,
    actor: { kind: 'user', userId: user.id, requestId: c.get('requestId') },
    tx: (fn) => withUser(c.get('deps').db, { sub: user.id }, fn),
  };
}

/** 401 unless signed in. */
export function signedIn() {
  return createMiddleware<AppEnv & { Variables: { access: UserAccess } }>(async (c, next) => {
    c.set('access', userAccess(c, signedInUser(c)));
    await next();
  });
}

/** 401 unless signed in, 403 unless a platform admin (RLS lets admins read across accounts). */
export function platformAdmin() {
  return createMiddleware<AppEnv & { Variables: { access: UserAccess } }>(async (c, next) => {
    const user = signedInUser(c);
    if (!user.isPlatformAdmin) throw forbidden('Platform admins only');
    c.set('access', userAccess(c, user));
    await next();
  });
}

/**
 * 401 unless signed in; then, inside each `access.tx`: 404 unless the account is visible to the caller, of `kind`
 * and (unless `platformAdmins` and the caller is one) has the caller as a member — the same 404 as a missing
 * account, so ids can't be probed —, 403 below `min`. The account comes from the `accountId` path parameter, another
 * parameter (`from: 'orgId'`), or a lookup from the thing in the path (`from: galleryAccount`).
 */
export function accountRole(opts: {
  kind?: AccountKind | readonly AccountKind[];
  min: Role;
  from?: string | AccountLookup;
  platformAdmins?: boolean;
  /** The 403 message, when the generic one would not tell the caller what they can't do. */
  forbidden?: string;
}) {
  const kinds = opts.kind === undefined ? undefined : typeof opts.kind === 'string' ? [opts.kind] : opts.kind;
  const from = opts.from ?? 'accountId';
  return createMiddleware<AppEnv & { Variables: { access: AccountAccess } }>(async (c, next) => {
    const base = userAccess(c, signedInUser(c));
    let checked = false;
    const access: AccountAccess = {
      user: base.user,
      actor: base.actor,
      tx: (fn, o) =>
        base.tx(async (tx) => {
          const id =
            o?.accountId ?? (typeof from === 'string' ? c.req.param(from) : await from(tx, c.req.param() as never));
          const account = await checkAccount(tx, id, base.user, { ...opts, kind: kinds });
          checked = true;
          return fn(tx, account);
        }),
    };
    c.set('access', access);
    await next();
    // A handler that never ran its work through access.tx would have skipped the check: a bug, never a response.
    if (!checked && c.res.status < 400) throw new Error(`${c.req.method} ${c.req.routePath} did not check access`);
  });
}
