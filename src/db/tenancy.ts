import { type Compilable, type KyselyPlugin, type RawBuilder, sql } from 'kysely';
import { sendWithCommit, sendWithNext } from './deferred-begin.ts';
import { compiled, rawPart, statementBatch } from './statement-batch.ts';
import type { DB, Tx } from './types.ts';

/** What a request is allowed to be: the Supabase-style JWT claims set per transaction. */
export interface Claims {
  sub: string;
  role?: 'authenticated';
  email?: string;
  [key: string]: unknown;
}

// Claims and role in one round trip (set_config('role', …, true) is SET LOCAL ROLE, as PostgREST does it): every
// request pays this, and on PGlite's single connection round trips are the cost. Literals, not parameters, so the
// statement can carry the transaction's `begin` with it (db/deferred-begin.ts): the claims travel as base64, whose
// alphabet can't close a string literal whatever the server's string settings, and the role is one of three names.
// A user's or the public's transaction also plans each prepared statement for its values (decision 041): their
// lists and searches are where a term or filter changes the best plan; service work keeps Postgres's generic plans.
function entering(
  role: 'authenticated' | 'anon' | 'service_role',
  claims: string,
  plan: 'auto' | 'generic' = 'auto',
): RawBuilder<unknown> {
  const mode = role !== 'service_role' ? 'force_custom_plan' : plan === 'generic' ? 'force_generic_plan' : null;
  const planned = mode ? sql`, set_config('plan_cache_mode', ${sql.lit(mode)}, true)` : sql``;
  return sql`select set_config('request.jwt.claims', ${textLiteral(claims)}, true), set_config('role', ${sql.lit(role)}, true)${planned}`;
}

type Role = 'authenticated' | 'anon' | 'service_role';

// Queued to travel with the transaction's first statement (db/deferred-begin.ts), or run now where it can't be.
async function enter(tx: Tx, role: Role, claims: string): Promise<Tx> {
  const statement = entering(role, claims).compile(tx);
  const queued = await tx.getExecutor().provideConnection(async (conn) => sendWithNext(conn, [statement]));
  if (!queued) await tx.executeQuery(statement);
  return marked(tx, role);
}

// The role a transaction runs as travels with the transaction object, as a plugin that changes nothing: asService
// then knows it without asking the database, a round trip it paid for every audit row, mail and job before.
const roleKey = Symbol('gallerist.role');
type RoleMark = KyselyPlugin & { readonly [roleKey]: Role };

function marked(tx: Tx, role: Role): Tx {
  const mark: RoleMark = {
    [roleKey]: role,
    transformQuery: (args) => args.node,
    transformResult: async (args) => args.result,
  };
  return tx.withPlugin(mark);
}

function markedRole(tx: DB): Role | undefined {
  const plugins = tx.getExecutor().plugins;
  for (let i = plugins.length - 1; i >= 0; i--) {
    const role = (plugins[i] as Partial<RoleMark>)[roleKey];
    if (role) return role;
  }
  return undefined;
}

/**
 * A string as an SQL expression without a parameter (base64, decoded by Postgres), safe whatever the server's string
 * settings: for statements that must travel in a simple-protocol batch.
 */
function textLiteral(value: string): RawBuilder<string> {
  return sql<string>`convert_from(decode(${sql.lit(Buffer.from(value).toString('base64'))}, 'base64'), 'utf8')`;
}

/**
 * Runs one statement as service_role in a transaction of its own, in a single round trip: role and claims travel
 * in the same simple-protocol batch, which Postgres runs as one implicit transaction (all or nothing, settings gone
 * after). Its parameters are written into the text as literals of unknown type, as Postgres types the driver's own
 * (db/inline-parameters.ts, decision 040). For the hottest service work: the webhook inbox, job claims, mail.
 * Build `statement` on `db` itself.
 */
export async function serviceStatement<R>(
  db: DB,
  statement: RawBuilder<R> | Compilable<R>,
  // `generic`: always the prepared statement's generic plan, for a statement whose plan never depends on its values
  // (the job claim): on a big table Postgres's own choice (auto) kept planning it afresh, twice its run time.
  opts: { plan?: 'auto' | 'generic' } = {},
): Promise<R[]> {
  const body = compiled(db, statement);
  // Inside a caller's transaction it is one more statement of it, as service_role.
  if (db.isTransaction) return asService(db, async (tx) => (await tx.executeQuery(body)).rows);
  const enter = entering('service_role', '{"role":"service_role"}', opts.plan).compile(db);
  const { rows } = await db.executeQuery<R>(statementBatch([enter, body]));
  return rows;
}

/**
 * Runs one statement as service_role last in the caller's transaction, in the round trip of its commit
 * (db/deferred-begin.ts, sendWithCommit): for a write whose lock others wait for. Its result is not returned, and
 * a failure fails the commit. Where the connection can't defer it, it runs now, as the same statement.
 */
export async function atCommitAsService(tx: DB, statement: RawBuilder<unknown> | Compilable<unknown>): Promise<void> {
  if (!tx.isTransaction) throw new Error('atCommitAsService needs a transaction');
  const body = compiled(tx, statement);
  const parts = [rawPart('set local role service_role'), body];
  const queued = await tx.getExecutor().provideConnection(async (conn) => sendWithCommit(conn, parts));
  if (!queued) await serviceStatement(tx, statement);
}

/** Runs `fn` in a transaction as role `authenticated` with `request.jwt.claims`, so RLS applies. */
export async function withUser<T>(db: DB, claims: Claims, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db
    .transaction()
    .execute(async (tx) => fn(await enter(tx, 'authenticated', JSON.stringify({ role: 'authenticated', ...claims }))));
}

/** Runs `fn` in a transaction as anonymous visitor (RLS applies, no user). */
export async function withAnon<T>(db: DB, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => fn(await enter(tx, 'anon', '{"role":"anon"}')));
}

/**
 * Runs `fn` in a transaction as `service_role` (bypasses RLS): webhooks, jobs, auth bookkeeping. Inside an
 * existing transaction it switches role there (see asService) so the work commits or rolls back with it.
 */
export async function withService<T>(db: DB, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (db.isTransaction) return asService(db, (tx) => fn(tx as Tx));
  return db.transaction().execute(async (tx) => fn(await enter(tx, 'service_role', '{"role":"service_role"}')));
}

/**
 * Runs `fn` as service_role inside the caller's transaction, then restores the caller's role: for server-side
 * effects of a user action (audit rows, outgoing mail, jobs) that users may cause but never read or forge.
 */
export async function asService<T>(tx: DB, fn: (tx: DB) => Promise<T>): Promise<T> {
  if (!tx.isTransaction) return withService(tx, (t) => fn(t));
  return switchRole(tx, 'service_role', fn);
}

/** Runs `fn` with the public's view (role anon) inside the caller's transaction, then restores the caller's role. */
export async function asAnon<T>(tx: Tx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return switchRole(tx, 'anon', (t) => fn(t as Tx));
}

async function switchRole<T>(tx: DB, role: 'service_role' | 'anon', fn: (tx: DB) => Promise<T>): Promise<T> {
  const previous = markedRole(tx) ?? (await sql<{ r: string }>`select current_user as r`.execute(tx)).rows[0].r;
  // Service work in a service transaction, or the public's view where it already is, needs no switch.
  if (previous === role || (role === 'service_role' && previous !== 'authenticated' && previous !== 'anon')) {
    return fn(tx);
  }
  await sql.raw(`set local role ${role}`).execute(tx);
  try {
    return await fn(marked(tx as Tx, role));
  } finally {
    await sql.raw(`set local role ${previous}`).execute(tx);
  }
}
