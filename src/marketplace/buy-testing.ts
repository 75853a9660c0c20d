import type Stripe from 'stripe';
import { testClient } from '../../test/http.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { ensureConnectAccount } from './connect.ts';

/** POSTs a form to the emulator's control API and returns its JSON (throws on a non-2xx). */
export async function emu(emulatorUrl: string, path: string, form: Record<string, string> = {}) {
  const res = await fetch(`${emulatorUrl}${path}`, { method: 'POST', body: new URLSearchParams(form) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Reads any emulator object by id. */
export async function emuObject<T = any>(emulatorUrl: string, id: string): Promise<T> {
  const res = await fetch(`${emulatorUrl}/_emulator/objects/${id}`);
  if (!res.ok) throw new Error(`object ${id}: ${res.status}`);
  return res.json() as Promise<T>;
}

/** A cookie-keeping client against a running platform over real HTTP. */
export function httpClient(baseUrl: string) {
  return testClient({ request: (path: string, init?: RequestInit) => fetch(`${baseUrl}${path}`, init) });
}

/** Polls `fn` until it returns a truthy value (webhooks and jobs settle asynchronously). */
export async function waitFor<T>(fn: () => Promise<T>, what: string, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Gives an artist account a Connect account that finished onboarding in the emulator; returns its id. */
export async function onboardedArtist(db: DB, stripe: Stripe, emulatorUrl: string, accountId: string) {
  const acct = await ensureConnectAccount(db, stripe, accountId, { kind: 'test' });
  await emu(emulatorUrl, `/_emulator/accounts/${acct}/onboard`);
  await withService(db, (tx) =>
    tx
      .updateTable('artist_profiles')
      .set({ onboarding_status: 'complete', charges_enabled: true, payouts_enabled: true, details_submitted: true })
      .where('account_id', '=', accountId)
      .execute(),
  );
  return acct;
}

/** Inserts a published artwork for an artist and returns its id. */
export async function publishedArtwork(
  db: DB,
  accountId: string,
  opts: { price?: number; shipping?: number; title?: string; editionSize?: number } = {},
): Promise<string> {
  const row = await withService(db, (tx) =>
    tx
      .insertInto('artworks')
      .values({
        account_id: accountId,
        title: opts.title ?? 'Test original',
        medium: 'painting',
        price_amount: opts.price ?? 100_001,
        shipping_amount: opts.shipping ?? 0,
        currency: 'eur',
        status: 'published',
        published_at: new Date(),
        ...(opts.editionSize ? { edition_type: 'edition' as const, edition_size: opts.editionSize } : {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow(),
  );
  return row.id;
}

/** Account ids by slug and user ids by email, from the demo seed. */
export async function demoIds(db: DB): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  await withService(db, async (tx) => {
    for (const u of await tx.selectFrom('users').select(['id', 'email']).execute()) ids[u.email] = u.id;
    for (const a of await tx.selectFrom('accounts').select(['id', 'slug']).execute()) ids[a.slug] = a.id;
  });
  return ids;
}
