import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { emulatorForFile } from './testing/file-emulator.ts';

const t = await emulatorForFile();
const stripe = t.stripe;

const express = (extra: Partial<Stripe.AccountCreateParams> = {}) =>
  stripe.accounts.create({
    type: 'express',
    country: 'US',
    email: 'artist@example.com',
    capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
    ...extra,
  });

const link = (account: string, type: Stripe.AccountLinkCreateParams.Type = 'account_onboarding') =>
  stripe.accountLinks.create({
    account,
    type,
    refresh_url: 'https://shop.example/connect/refresh',
    return_url: 'https://shop.example/connect/return',
  });

/** Reads every `<input id=… value=…>` of a hosted page, as a browser would submit it. */
function formFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input id="(\w+)" name="\w+" value="([^"]*)"/g)) fields[m[1]] = m[2];
  return fields;
}

describe('accounts', () => {
  it('creates, retrieves, updates, lists and deletes Express accounts', async () => {
    const a = await express({
      business_type: 'individual',
      business_profile: { mcc: '5971', url: 'https://artist.example' },
      settings: { payouts: { schedule: { interval: 'manual' } } },
      metadata: { artist_id: '42' },
    });
    expect(a.id).toMatch(/^acct_/);
    expect(a).toMatchObject({
      type: 'express',
      country: 'US',
      default_currency: 'usd',
      email: 'artist@example.com',
      details_submitted: false,
      charges_enabled: false,
      payouts_enabled: false,
      capabilities: { card_payments: 'inactive', transfers: 'inactive' },
      metadata: { artist_id: '42' },
      settings: { payouts: { schedule: { interval: 'manual' } } },
    });
    expect(a.requirements?.currently_due).toEqual(
      expect.arrayContaining(['external_account', 'individual.first_name', 'tos_acceptance.date']),
    );
    expect(a.requirements?.currently_due).not.toContain('business_profile.url');
    expect(a.requirements?.disabled_reason).toBe('requirements.past_due');
    const caps = await stripe.accounts.listCapabilities(a.id);
    expect(caps.data.map((c) => [c.id, c.status, c.requested])).toEqual([
      ['card_payments', 'inactive', true],
      ['transfers', 'inactive', true],
    ]);
    const upd = await stripe.accounts.update(a.id, { email: 'new@example.com', metadata: { artist_id: '' } });
    expect(upd).toMatchObject({ email: 'new@example.com', metadata: {} });
    expect((await stripe.accounts.retrieve(a.id)).email).toBe('new@example.com');
    await express();
    expect((await stripe.accounts.list()).data).toHaveLength(2);
    expect(await stripe.accounts.del(a.id)).toEqual({ id: a.id, object: 'account', deleted: true });
    await expect(stripe.accounts.retrieve(a.id)).rejects.toMatchObject({ statusCode: 404 });
    expect((await stripe.accounts.list()).data).toHaveLength(1);
  });

  it('validates params and sends account.application.deauthorized to connect endpoints on delete', async () => {
    expect((await stripe.accounts.create({ country: 'US' } as never).catch((e) => e)).param).toBe('type');
    expect((await stripe.accounts.create({ type: 'express' }).catch((e) => e)).param).toBe('capabilities');
    const bad = await stripe.accounts.create({ type: 'express', foo: 1 } as never).catch((e) => e);
    expect(bad.param).toBe('foo');
    const r = await t.receiver();
    await stripe.webhookEndpoints.create({ url: r.url, enabled_events: ['*'], connect: true });
    const a = await express();
    await stripe.accounts.del(a.id);
    await t.post('/_emulator/webhooks/flush');
    const evt = r.received.find((x) => x.event.type === 'account.application.deauthorized')?.event;
    expect(evt).toMatchObject({ account: a.id, data: { object: { object: 'application' } } });
  });
});

describe('onboarding', () => {
  it('completes hosted onboarding from an account link and verifies the account.updated webhook', async () => {
    const r = await t.receiver();
    const connectEndpoint = await stripe.webhookEndpoints.create({
      url: r.url,
      enabled_events: ['account.updated'],
      connect: true,
    });
    const platform = await t.receiver();
    await stripe.webhookEndpoints.create({ url: platform.url, enabled_events: ['*'] });
    const a = await express();
    const l = await link(a.id);
    expect(l).toMatchObject({ object: 'account_link', expires_at: l.created + 300 });
    expect(l.url).toBe(`${t.emu.url}/setup/s/${a.id}/${l.url.split('/').pop()}`);
    const html = await (await fetch(l.url)).text();
    const fields = formFields(html);
    expect(Object.keys(fields)).toEqual(['businessName', 'email', 'phone', 'dob', 'routing', 'accountNumber']);
    expect(fields).toMatchObject({ email: 'artist@example.com', routing: '110000000', accountNumber: '000123456789' });
    expect(html).toContain('id="submitOnboarding"');
    const action = /<form method="post" action="([^"]+)"/.exec(html)![1];
    const bad = await fetch(`${t.emu.url}${action}`, {
      method: 'POST',
      body: new URLSearchParams({ ...fields, email: 'nope' }),
      redirect: 'manual',
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('id="error"');
    const res = await fetch(`${t.emu.url}${action}`, {
      method: 'POST',
      body: new URLSearchParams({ ...fields, businessName: 'Rosen Prints' }),
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('https://shop.example/connect/return');
    const done = await stripe.accounts.retrieve(a.id);
    expect(done).toMatchObject({
      details_submitted: true,
      charges_enabled: true,
      payouts_enabled: true,
      capabilities: { card_payments: 'active', transfers: 'active' },
      requirements: { currently_due: [], past_due: [], disabled_reason: null },
      business_profile: { name: 'Rosen Prints' },
    });
    expect(done.external_accounts?.data[0]).toMatchObject({ object: 'bank_account', last4: '6789' });
    expect(done.external_accounts?.data[0].id).toMatch(/^ba_/);
    await t.post('/_emulator/webhooks/flush');
    const hit = r.received.find((x) => x.event.data.object.charges_enabled === true)!;
    const event = stripe.webhooks.constructEvent(hit.body, hit.signature, connectEndpoint.secret!);
    expect(event).toMatchObject({ type: 'account.updated', account: a.id });
    expect((event.data.previous_attributes as any).charges_enabled).toBe(false);
    expect(platform.received.map((x) => x.event.type)).not.toContain('account.updated');
    // The link is single-use: a second visit goes to refresh_url.
    const again = await fetch(l.url, { redirect: 'manual' });
    expect([again.status, again.headers.get('location')]).toEqual([302, 'https://shop.example/connect/refresh']);
  });

  it('redirects expired links to refresh_url and uses IBAN fields for EU accounts', async () => {
    const a = await express({ country: 'DE' });
    expect(a.default_currency).toBe('eur');
    const l = await link(a.id);
    expect(formFields(await (await fetch(l.url)).text())).toHaveProperty('iban', 'DE89370400440532013000');
    await t.post('/_emulator/clock/advance', { seconds: 301 });
    const res = await fetch(l.url, { redirect: 'manual' });
    expect([res.status, res.headers.get('location')]).toEqual([302, 'https://shop.example/connect/refresh']);
    const upd = await link(a.id, 'account_update').catch((e) => e);
    expect(upd.param).toBe('type');
  });

  it('onboards through the control endpoint and serves an Express dashboard login link', async () => {
    const a = await express();
    const res = await t.post(`/_emulator/accounts/${a.id}/onboard`, { business_name: 'Studio' });
    expect(res.body).toMatchObject({ charges_enabled: true, payouts_enabled: true, details_submitted: true });
    const events = await stripe.events.list({ type: 'account.updated' }, { stripeAccount: a.id });
    expect(events.data[0]).toMatchObject({ account: a.id, data: { object: { charges_enabled: true } } });
    expect((await stripe.accounts.listCapabilities(a.id)).data.every((c) => c.status === 'active')).toBe(true);
    const login = await stripe.accounts.createLoginLink(a.id);
    expect(login.object).toBe('login_link');
    const page = await (await fetch(login.url)).text();
    expect(page).toContain('id="availableBalance"');
    expect(page).toContain('id="payouts"');
    expect(page).toContain('Studio');
    expect((await fetch(`${t.emu.url}/express/${a.id}/wrong`)).status).toBe(404);
    const std = await stripe.accounts.create({ type: 'standard' });
    expect((await stripe.accounts.createLoginLink(std.id).catch((e) => e)).statusCode).toBe(400);
    expect((await t.post('/_emulator/accounts/acct_missing/onboard')).status).toBe(404);
  });
});
