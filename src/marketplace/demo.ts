import type Stripe from 'stripe';
import type { Clock } from '../clock.ts';
import { withService } from '../db/tenancy.ts';
import type { DB } from '../db/types.ts';
import { ensureConnectAccount, syncConnectAccount } from './artists/connect.ts';
import { demoCatalog } from './seed-catalog.ts';

// The artists the demo seed creates; real artists always onboard themselves on Stripe's hosted page.
const DEMO_ARTISTS = ['mira-okafor', ...demoCatalog.map((a) => a.slug)];

/**
 * Demo only (`serve --demo` on the embedded emulator): completes the seeded artists' Connect onboarding through the
 * emulator's control API, so demo artworks can be bought right away. Returns how many artists it onboarded.
 */
export async function onboardDemoArtists(db: DB, stripe: Stripe, emulatorUrl: string, clock: Clock): Promise<number> {
  const pending = await withService(db, (tx) =>
    tx
      .selectFrom('artist_profiles as p')
      .innerJoin('accounts as a', 'a.id', 'p.account_id')
      .select('p.account_id')
      .where('a.slug', 'in', DEMO_ARTISTS)
      .where('p.onboarding_status', '<>', 'complete')
      .execute(),
  );
  for (const { account_id } of pending) {
    const acct = await ensureConnectAccount(db, stripe, account_id, { kind: 'seed' });
    const res = await fetch(`${emulatorUrl}/_emulator/accounts/${acct}/onboard`, { method: 'POST' });
    if (!res.ok) throw new Error(`demo onboarding of ${acct} failed: ${res.status} ${await res.text()}`);
    await syncConnectAccount(db, stripe, account_id, clock);
  }
  return pending.length;
}
