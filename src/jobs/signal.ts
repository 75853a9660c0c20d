/**
 * Wakes this process's job runner when work was just queued (a webhook stored in the inbox), so it runs now rather
 * than at the next poll. Other instances are woken by the database (LISTEN/NOTIFY on Postgres, see listen.ts).
 */
export interface JobSignal {
  notify(): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

export function createJobSignal(): JobSignal {
  const listeners = new Set<() => void>();
  return {
    notify() {
      for (const l of listeners) l();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
