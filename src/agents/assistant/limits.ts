import type { LanguageModelUsage } from 'ai';
import { checkRateLimit, consumeRateLimit, hitRateLimit } from '../../accounts/index.ts';
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import { withService } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import type { Assistant } from './conversations.ts';

/*
 * Assistant limits (decision 028): requests and model tokens per minute and per day, for each subject a request
 * counts against (the user or guest, and the account an artist or studio assistant works for). Counters live in
 * Postgres (`rate_limits`), so every instance behind the load balancer shares them.
 */

const MINUTE = 60;
const DAY = 86_400;

type Limits = Pick<
  Config,
  | 'ASSISTANT_REQUESTS_PER_MINUTE'
  | 'ASSISTANT_REQUESTS_PER_DAY'
  | 'ASSISTANT_TOKENS_PER_MINUTE'
  | 'ASSISTANT_TOKENS_PER_DAY'
>;

/** Counts one request against every subject; 429 (with when to retry) when any is over a limit. */
export async function admitRequest(db: DB, config: Limits, clock: Clock, subjects: string[]): Promise<void> {
  await withService(db, async (tx) => {
    for (const s of subjects) {
      // Tokens first: a request over its token budget must not also use up a request.
      await checkRateLimit(tx, `assistant:tok:m:${s}`, config.ASSISTANT_TOKENS_PER_MINUTE, MINUTE, clock).catch(
        (err) => {
          throw withMessage(err, 'You have used this minute’s assistant allowance.');
        },
      );
      await checkRateLimit(tx, `assistant:tok:d:${s}`, config.ASSISTANT_TOKENS_PER_DAY, DAY, clock).catch((err) => {
        throw withMessage(err, 'You have used today’s assistant allowance.');
      });
      await consumeRateLimit(tx, `assistant:req:m:${s}`, config.ASSISTANT_REQUESTS_PER_MINUTE, MINUTE, clock).catch(
        (err) => {
          throw withMessage(err, 'Too many questions in a minute.');
        },
      );
      await consumeRateLimit(tx, `assistant:req:d:${s}`, config.ASSISTANT_REQUESTS_PER_DAY, DAY, clock).catch((err) => {
        throw withMessage(err, 'Too many questions today.');
      });
    }
  });
}

function withMessage(err: unknown, prefix: string): unknown {
  if (!(err instanceof Error) || !('details' in err)) return err;
  const retry = Number((err.details as { retryAfterSeconds?: number } | null)?.retryAfterSeconds ?? 60);
  const when =
    retry < 120
      ? `${retry} seconds`
      : retry < 7200
        ? `${Math.ceil(retry / 60)} minutes`
        : `${Math.ceil(retry / 3600)} hours`;
  err.message = `${prefix} Try again in ${when}.`;
  return err;
}

export interface UsageRecord {
  subjects: string[];
  userId: string | null;
  accountId: string | null;
  guest: boolean;
  assistant: Assistant;
  model: string;
  usage: LanguageModelUsage;
}

/** Records a reply's token use (append-only) and counts it against the subjects' token budgets. */
export async function recordUsage(db: DB, clock: Clock, r: UsageRecord): Promise<void> {
  const input = Math.max(0, r.usage.inputTokens ?? 0);
  const output = Math.max(0, r.usage.outputTokens ?? 0);
  await withService(db, async (tx) => {
    await tx
      .insertInto('assistant_usage')
      .values({
        user_id: r.userId,
        account_id: r.accountId,
        guest: r.guest,
        assistant: r.assistant,
        model: r.model,
        input_tokens: input,
        output_tokens: output,
        created_at: clock.now(),
      })
      .execute();
    const tokens = input + output;
    if (!tokens) return;
    for (const s of r.subjects) {
      await hitRateLimit(tx, `assistant:tok:m:${s}`, Number.MAX_SAFE_INTEGER, MINUTE, clock, tokens);
      await hitRateLimit(tx, `assistant:tok:d:${s}`, Number.MAX_SAFE_INTEGER, DAY, clock, tokens);
    }
  });
}

/** Token use per user, account and model over the last `days` days, for platform admins (read as the admin). */
export async function usageSummary(tx: DB, since: Date) {
  const rows = await tx
    .selectFrom('assistant_usage as u')
    .leftJoin('users as usr', 'usr.id', 'u.user_id')
    .leftJoin('accounts as a', 'a.id', 'u.account_id')
    .select((eb) => [
      'u.assistant',
      'u.model',
      'u.guest',
      'usr.email',
      'a.name as account_name',
      eb.fn.countAll<string>().as('requests'),
      eb.fn.sum<string>('u.input_tokens').as('input_tokens'),
      eb.fn.sum<string>('u.output_tokens').as('output_tokens'),
    ])
    .where('u.created_at', '>=', since)
    .groupBy(['u.assistant', 'u.model', 'u.guest', 'usr.email', 'a.name'])
    .orderBy('output_tokens', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    assistant: r.assistant as Assistant,
    model: r.model,
    who: r.email ?? (r.guest ? 'guests' : 'deleted user'),
    account: r.account_name,
    requests: Number(r.requests),
    inputTokens: Number(r.input_tokens ?? 0),
    outputTokens: Number(r.output_tokens ?? 0),
  }));
}
