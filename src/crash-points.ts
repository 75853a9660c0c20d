/**
 * Named places where a process could die between two durable steps. Tests arm one (GALLERIST_CRASH_POINT) to
 * prove that a retry or `gallerist reconcile` converges to the state of a clean run; outside Vitest and
 * NODE_ENV=test the check is inert, so production can't be made to crash by its environment.
 */
export type CrashPoint =
  /** The webhook's event and job are committed; the HTTP response is not sent. */
  | 'webhook.after_inbox_commit'
  /** An event's fulfilment writes are made in its transaction; the commit is not. */
  | 'webhook.before_fulfilment_commit'
  /** Stripe created the Checkout Session; the order does not know its id yet. */
  | 'checkout.after_stripe_call'
  /** Stripe created the refund; our refund row is still pending. */
  | 'refund.after_stripe_call'
  /** Stripe created the payout; our payout row has no Stripe id yet. */
  | 'payout.after_stripe_call';

export class SimulatedCrash extends Error {
  constructor(readonly point: CrashPoint) {
    super(`simulated crash at ${point}`);
    this.name = 'SimulatedCrash';
  }
}

const testRun = () => Boolean(process.env.VITEST) || process.env.NODE_ENV === 'test';

/**
 * Dies here when a test armed this point; a no-op otherwise. In-process tests get a SimulatedCrash thrown; with
 * GALLERIST_CRASH_KILL=1 (a test's child `gallerist serve`) the process kills itself with SIGKILL, so nothing after
 * this line runs: no rollback but the database's own, no response, no cleanup.
 */
export function crashPoint(point: CrashPoint): void {
  if (process.env.GALLERIST_CRASH_POINT !== point || !testRun()) return;
  if (process.env.GALLERIST_CRASH_KILL === '1') process.kill(process.pid, 'SIGKILL');
  throw new SimulatedCrash(point);
}
