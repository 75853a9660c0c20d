/**
 * Wakes this process's job runner when work was just queued (a webhook stored in the inbox), so it runs now rather
 * than at the next poll. Other instances are woken by the database (LISTEN/NOTIFY on Postgres, see listen.ts).
 * It also counts the requests this process is answering, so the runner can let them go first.
 */
export interface JobSignal {
  notify(): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** A request started; returns the function that marks it answered (call it once). */
  requestStarted(): () => void;
  /** Resolves when no request is in flight, or after `maxMs` at the latest. */
  quiet(maxMs: number): Promise<void>;
}

export function createJobSignal(): JobSignal {
  const listeners = new Set<() => void>();
  let active = 0;
  let waiters: Array<() => void> = [];
  const release = () => {
    const ready = waiters;
    waiters = [];
    for (const w of ready) w();
  };
  return {
    notify() {
      for (const l of listeners) l();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    requestStarted() {
      active++;
      let done = false;
      return () => {
        if (done) return;
        done = true;
        active--;
        if (active === 0) release();
      };
    },
    quiet(maxMs) {
      if (active === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== finish);
          resolve();
        }, maxMs);
        const finish = () => {
          clearTimeout(timer);
          resolve();
        };
        waiters.push(finish);
      });
    },
  };
}
