/** Writes one batch of items: one outcome per item, in their order, so one item can fail alone. */
export type GroupWrite<I, O> = (items: I[]) => Array<Promise<O>>;

export interface GroupCommitOptions {
  /** Batches written at once; an item arriving while they are all in flight waits for the next batch. */
  inFlight?: number;
  /** The most items one batch takes. */
  maxBatch?: number;
}

/**
 * Group commit for one kind of small write that many requests make at once (the webhook inbox, decision 042). An
 * item goes out at once while fewer than `inFlight` batches are being written, so a lone request waits for
 * nothing; under a burst the items that arrive meanwhile go together in the next batch, one statement and one
 * commit instead of one each. A batch holds its place until every one of its items has its outcome.
 */
export function groupCommit<I, O>(write: GroupWrite<I, O>, options: GroupCommitOptions = {}): (item: I) => Promise<O> {
  const inFlight = Math.max(1, options.inFlight ?? 2);
  const maxBatch = Math.max(1, options.maxBatch ?? 64);
  let waiting: Array<{ item: I; resolve: (o: O) => void; reject: (err: unknown) => void }> = [];
  let writing = 0;

  const settle = async (batch: typeof waiting): Promise<void> => {
    let outcomes: Array<Promise<O>>;
    try {
      outcomes = write(batch.map((w) => w.item));
      if (outcomes.length !== batch.length)
        throw new Error(`group write answered ${outcomes.length} of ${batch.length}`);
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    for (const [i, w] of batch.entries()) outcomes[i].then(w.resolve, w.reject);
    await Promise.allSettled(outcomes);
  };

  const pump = () => {
    while (writing < inFlight && waiting.length > 0) {
      const batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(batch.length);
      writing++;
      void settle(batch).finally(() => {
        writing--;
        pump();
      });
    }
  };

  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      pump();
    });
}
