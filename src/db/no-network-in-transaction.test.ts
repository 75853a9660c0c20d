import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Architecture rule: no network call inside a database transaction. Write intent, commit, call Stripe with an
// idempotency key derived from our ids, then record the result in a second short transaction. On PGlite's single
// connection every other query waits while a transaction holds it, so a Stripe call there stalls the whole app.
//
// This scan is syntactic (TypeScript's parser, no type checker) and flags:
//  A. inside a function passed to withUser / withService / withAnon / asService / asAnon / `access.tx` / `.transaction().execute`:
//     a call on a Stripe client (`stripe.x.y()`, `deps.stripe.x()`, `ctx.stripe.x()`), or a call that hands a
//     Stripe client to other code (`syncOrderRefunds(tx, stripe, …)`), which would then run inside the transaction;
//  B. a function with a parameter typed `DB`/`Tx` and one typed `Stripe` that calls Stripe or hands the client on
//     without opening a transaction of its own: it runs on whatever connection its caller gives it, so the caller
//     may well hold a transaction (how `syncOrderRefunds`, `recordSaleRefund` and the webhook dispatch did);
//     a function that throws when `db.isTransaction` is exempt, as is one that opens its own.
// A call that must stay is annotated on its line or the line above: `// stripe-outside-tx: <why>`.

const SRC = join(import.meta.dirname, '..');
const TX_OPENERS = new Set(['withUser', 'withService', 'withAnon', 'asService', 'asAnon']);
// Client members that never touch the network.
const LOCAL_MEMBERS = new Set(['webhooks', 'getApiField', 'getConstant', 'getClientUserAgent', 'on', 'off', 'once']);
const ANNOTATION = /\/\/\s*stripe-outside-tx:\s*\S/;

/** `stripe`, `deps.stripe`, `ctx.stripe`, `this.stripe`: an expression that is (by our naming) a Stripe client. */
function isStripeClient(e: ts.Expression, names: ReadonlySet<string>): boolean {
  if (ts.isIdentifier(e)) return names.has(e.text);
  return ts.isPropertyAccessExpression(e) && e.name.text === 'stripe';
}

/** For `stripe.refunds.create(…)`: the client expression and the first member; null when not a client call. */
function stripeCallOf(call: ts.CallExpression, names: ReadonlySet<string>): { member: string } | null {
  let e: ts.Expression = call.expression;
  let member: string | null = null;
  while (ts.isPropertyAccessExpression(e)) {
    if (isStripeClient(e.expression, names)) {
      member = e.name.text;
      break;
    }
    e = e.expression;
  }
  if (member === null || LOCAL_MEMBERS.has(member)) return null;
  return { member };
}

function opensTransaction(call: ts.CallExpression): boolean {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return TX_OPENERS.has(callee.text);
  if (!ts.isPropertyAccessExpression(callee)) return false;
  // `c.var.access.tx(fn)` / `visitor.tx(fn)`: the route access middlewares' withUser/withAnon (src/http/access.ts).
  if (TX_OPENERS.has(callee.name.text) || callee.name.text === 'tx') return true;
  // db.transaction().execute(fn), also with .setIsolationLevel(…) in between.
  if (callee.name.text !== 'execute') return false;
  let e: ts.Expression = callee.expression;
  while (ts.isCallExpression(e) || ts.isPropertyAccessExpression(e)) {
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) {
      if (e.expression.name.text === 'transaction') return true;
      e = e.expression.expression;
    } else if (ts.isPropertyAccessExpression(e)) e = e.expression;
    else e = (e as ts.CallExpression).expression;
  }
  return false;
}

type FunctionLike = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration;
const isFunctionLike = (n: ts.Node): n is FunctionLike =>
  ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isMethodDeclaration(n);

// An argument that carries the client: the client itself, or an object literal with it (`{ actor, stripe }`).
function carriesClient(a: ts.Expression, names: ReadonlySet<string>): boolean {
  if (isStripeClient(a, names)) return true;
  if (!ts.isObjectLiteralExpression(a)) return false;
  return a.properties.some(
    (p) =>
      (ts.isShorthandPropertyAssignment(p) && names.has(p.name.text)) ||
      (ts.isPropertyAssignment(p) && isStripeClient(p.initializer, names)),
  );
}

const DB_NAMES = new Set(['db', 'tx', 'trx']);
// An argument that is a database handle: `db`, `tx`, `trx`, `ctx.db`, or the function's own DB parameter.
const isDbHandle = (a: ts.Expression, own?: string) =>
  ts.isIdentifier(a)
    ? DB_NAMES.has(a.text) || a.text === own
    : ts.isPropertyAccessExpression(a) && DB_NAMES.has(a.name.text);

/**
 * Why a call is a network call or hands the client to other code, or null. With `exceptWithDb`, a hand-off that
 * also passes a database handle is left to the callee: rule B checks that function on its own.
 */
function networkUse(
  call: ts.CallExpression,
  names: ReadonlySet<string>,
  exceptWithDb?: { own: string },
): string | null {
  const callee = call.expression.getText().replace(/\s+/g, '');
  if (stripeCallOf(call, names)) return `calls ${callee}()`;
  const handed = call.arguments.find((a) => carriesClient(a, names));
  if (!handed) return null;
  if (exceptWithDb && call.arguments.some((a) => isDbHandle(a, exceptWithDb.own))) return null;
  return `hands ${handed.getText().replace(/\s+/g, ' ')} to ${callee}()`;
}

interface Finding {
  file: string;
  line: number;
  message: string;
}

/** Scans one source text; `file` only names the findings. */
function scanSource(file: string, text: string): Finding[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lines = text.split('\n');
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const report = (node: ts.Node, message: string) => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
    if (ANNOTATION.test(lines[line] ?? '') || ANNOTATION.test(lines[line - 1] ?? '')) return;
    const key = `${line}:${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push({ file, line: line + 1, message });
  };
  const anyStripe = new Set(['stripe']);

  // Rule A: everything lexically inside a transaction callback.
  const insideTx = (fn: ts.Node, opener: string) => {
    const visit = (n: ts.Node) => {
      if (ts.isCallExpression(n)) {
        const why = networkUse(n, anyStripe);
        if (why) report(n, `${why} inside ${opener}(…) callback`);
      }
      ts.forEachChild(n, visit);
    };
    visit(fn);
  };

  // Rule B: functions given a DB/Tx and a Stripe client that use the client without opening a transaction.
  const checkFunction = (fn: FunctionLike) => {
    const typeOf = (p: ts.ParameterDeclaration) => p.type?.getText(sf).replace(/\s+/g, '') ?? '';
    const dbParam = fn.parameters.find((p) => /^(DB|Tx|Transaction<.*>)$/.test(typeOf(p)));
    const stripeParams = fn.parameters.filter((p) => typeOf(p) === 'Stripe' && ts.isIdentifier(p.name));
    if (!dbParam || !stripeParams.length || !fn.body) return;
    const names = new Set(stripeParams.map((p) => (p.name as ts.Identifier).text));
    const uses: Array<[ts.CallExpression, string]> = [];
    let opens = false;
    const own = dbParam.name.getText(sf);
    const visit = (n: ts.Node) => {
      // `if (db.isTransaction) throw …`: the function refuses a transaction, as opening its own would avoid one.
      if (
        ts.isIfStatement(n) &&
        n.expression.getText(sf).replace(/\s+/g, '') === `${own}.isTransaction` &&
        /^\{?\s*throw\b/.test(n.thenStatement.getText(sf))
      ) {
        opens = true;
      }
      if (ts.isCallExpression(n)) {
        if (opensTransaction(n)) opens = true;
        const why = networkUse(n, names, { own });
        if (why) uses.push([n, why]);
      }
      ts.forEachChild(n, visit);
    };
    visit(fn.body);
    if (opens) return;
    const name = fn.name?.getText(sf) ?? 'a function';
    for (const [call, why] of uses) {
      report(
        call,
        `${why} in ${name}, which takes a database handle (${dbParam.name.getText(sf)}) that may be a transaction`,
      );
    }
  };

  const walk = (n: ts.Node) => {
    if (ts.isCallExpression(n) && opensTransaction(n)) {
      const opener = ts.isIdentifier(n.expression) ? n.expression.text : n.expression.getText(sf).replace(/\s+/g, '');
      for (const arg of n.arguments) if (isFunctionLike(arg)) insideTx(arg, opener);
    }
    if (isFunctionLike(n)) checkFunction(n);
    ts.forEachChild(n, walk);
  };
  walk(sf);
  return findings;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

describe('no network call inside a database transaction', () => {
  it('src/ calls Stripe only with no transaction open', () => {
    const findings = sourceFiles(SRC).flatMap((f) => scanSource(relative(join(SRC, '..'), f), readFileSync(f, 'utf8')));
    expect(findings.map((f) => `${f.file}:${f.line} ${f.message}`)).toEqual([]);
  });

  // The rule must catch the violations it was written for: these are the shapes the code had before the fix.
  it('flags a Stripe call or a hand-off of the client inside a transaction callback', () => {
    const refundOrder = `
      export async function refundOrder(db: DB, stripe: Stripe, orderId: string) {
        const refund = await stripe.refunds.create({ payment_intent: 'pi' }, { idempotencyKey: 'k' });
        return withService(db, async (tx) => {
          await getOrder(tx, orderId, { lock: true });
          await syncOrderRefunds(tx, stripe, orderId, actor);
        });
      }`;
    expect(scanSource('refund-order.ts', refundOrder)).toEqual([
      { file: 'refund-order.ts', line: 6, message: expect.stringContaining('hands stripe to syncOrderRefunds()') },
    ]);
    const settle = `
      export async function createCheckout(db: DB, stripe: Stripe, orderId: string) {
        return withService(db, async (tx) => {
          const session = await stripe.checkout.sessions.create(params, { idempotencyKey: key });
          await offeringOf(hooks, order.offeringType).onPaid(tx, paidOrder, { actor, stripe, session, items });
        });
      }`;
    expect(scanSource('c.ts', settle).map((f) => [f.line, f.message])).toEqual([
      [4, expect.stringContaining('calls stripe.checkout.sessions.create() inside withService(…) callback')],
      [
        5,
        expect.stringContaining(
          'hands { actor, stripe, session, items } to offeringOf(hooks,order.offeringType).onPaid()',
        ),
      ],
    ]);
    const health = `
      app.get('/x', (c) => db.transaction().execute(async (trx) => {
        const b = await c.get('deps').stripe.balance.retrieve();
      }));`;
    expect(scanSource('x.ts', health)).toEqual([
      { file: 'x.ts', line: 3, message: expect.stringContaining("calls c.get('deps').stripe.balance.retrieve()") },
    ]);
    const routeTx = `
      async (c) => c.var.access.tx(async (tx) => {
        const link = await c.get('deps').stripe.accountLinks.create({ account: 'acct' });
      })`;
    expect(scanSource('r.ts', routeTx)).toEqual([
      { file: 'r.ts', line: 3, message: expect.stringContaining('stripe.accountLinks.create()') },
    ]);
  });

  it('flags functions that take a database handle and a Stripe client and use it without opening a transaction', () => {
    const recordSaleRefund = `
      async function connectedBalance(stripe: Stripe, account: string) {
        return stripe.balance.retrieve({}, { stripeAccount: account });
      }
      export async function recordSaleRefund(db: DB, stripe: Stripe, order: Order, delta: number) {
        const sale = await db.selectFrom('marketplace_sales').selectAll().forUpdate().executeTakeFirst();
        const balance = await connectedBalance(stripe, order.destinationAccount);
      }
      async function dispatchSession(tx: DB, stripe: Stripe, event: Stripe.Event) {
        await stripe.checkout.sessions.retrieve(event.data.object.id);
      }`;
    expect(scanSource('refunds.ts', recordSaleRefund).map((f) => [f.line, f.message])).toEqual([
      [7, expect.stringContaining('hands stripe to connectedBalance() in recordSaleRefund')],
      [10, expect.stringContaining('calls stripe.checkout.sessions.retrieve() in dispatchSession')],
    ]);
  });

  it('accepts the fixed shape, local client members and annotated calls', () => {
    const fixed = `
      export async function refundOrder(db: DB, stripe: Stripe, orderId: string) {
        const order = await withService(db, (tx) => getOrder(tx, orderId, { lock: true }));
        const refund = await stripe.refunds.create({ payment_intent: 'pi' }, { idempotencyKey: 'k' });
        const fetched = await fetchChargeRefunds(stripe, order);
        return withService(db, (tx) => applyOrderRefunds(tx, orderId, fetched, actor));
      }
      export function verify(stripe: Stripe, db: DB, raw: string) {
        return stripe.webhooks.constructEvent(raw, 'sig', 'secret');
      }
      async function dispatch(tx: DB, stripe: Stripe, event: Stripe.Event) {
        // stripe-outside-tx: registered handlers get the client by signature and must not call it
        return custom(tx, stripe, event);
      }
      async function prefetch(db: DB, stripe: Stripe, id: string) {
        if (db.isTransaction) throw new Error('not in a transaction');
        const [row] = await serviceStatement(db, db.selectFrom('orders').select('id'));
        return stripe.paymentIntents.retrieve(id);
      }`;
    expect(scanSource('fixed.ts', fixed)).toEqual([]);
    // The guard must refuse a transaction: a check that only logs does not exempt the function.
    const logged = `
      async function prefetch(db: DB, stripe: Stripe, id: string) {
        if (db.isTransaction) console.warn('in a transaction');
        return stripe.paymentIntents.retrieve(id);
      }`;
    expect(scanSource('logged.ts', logged)).toHaveLength(1);
  });
});
