import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { stripeFee } from './core/cards.ts';
import { startEmulator } from './index.ts';
import { balanceOf, onboardedAccount } from './testing/connect-helpers.ts';
import { emulatorForFile } from './testing/file-emulator.ts';
import { client } from './testing/helpers.ts';

const t = await emulatorForFile();
const stripe = t.stripe;

type Token = Record<string, any>;

/** Grants this account an SPT through the test helper (the SDK has no typed method for it). */
async function grantToken(
  params: Record<string, unknown> = {},
  options: Stripe.RawRequestOptions = {},
  sdk: Stripe = stripe,
): Promise<Token> {
  const now = params.usage_limits ? 0 : await emulatorNow();
  return sdk.rawRequest(
    'post',
    '/v1/test_helpers/shared_payment/granted_tokens',
    {
      payment_method: 'pm_card_visa',
      usage_limits: { currency: 'usd', max_amount: 10000, expires_at: now + 3600 },
      ...params,
    },
    options,
  );
}

const emulatorNow = async (): Promise<number> => (await t.get('/_emulator/clock')).body.now;

const retrieveToken = (id: string): Promise<Token> =>
  stripe.rawRequest('get', `/v1/shared_payment/granted_tokens/${id}`);

const revokeToken = (id: string): Promise<Token> =>
  stripe.rawRequest('post', `/v1/test_helpers/shared_payment/granted_tokens/${id}/revoke`, {});

/** Creates and confirms a PaymentIntent paid with an SPT, as a seller does. */
function payWithToken(
  spt: string,
  amount: number,
  extra: Record<string, unknown> = {},
  options: Stripe.RequestOptions = {},
): Promise<Stripe.Response<Stripe.PaymentIntent>> {
  return stripe.paymentIntents.create(
    {
      amount,
      currency: 'usd',
      confirm: true,
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      payment_method_data: { shared_payment_granted_token: spt } as never,
      ...extra,
    },
    options,
  );
}

async function eventTypes(): Promise<string[]> {
  return (await stripe.events.list({ limit: 100 })).data.map((e) => e.type).reverse();
}

describe('shared payment granted tokens', () => {
  it('creates a token in the documented shape, then a PaymentIntent confirmed with it records usage', async () => {
    const expiresAt = (await emulatorNow()) + 3600;
    const spt = await grantToken({
      usage_limits: { currency: 'usd', max_amount: 10000, expires_at: expiresAt },
      shared_metadata: { cart: 'c_1' },
      seller_details: { network_id: 'internal', external_id: 'gallery_42' },
    });
    expect(spt.id).toMatch(/^spt_/);
    expect(
      Object.keys(spt)
        .filter((k) => k !== 'lastResponse')
        .sort(),
    ).toEqual([
      'agent_details',
      'created',
      'deactivated_at',
      'deactivated_reason',
      'id',
      'livemode',
      'object',
      'payment_method_details',
      'shared_metadata',
      'usage_details',
      'usage_limits',
    ]);
    expect(spt).toMatchObject({
      object: 'shared_payment.granted_token',
      deactivated_at: null,
      deactivated_reason: null,
      livemode: false,
      shared_metadata: { cart: 'c_1' },
      usage_details: { amount_captured: { value: 0, currency: 'usd' } },
      usage_limits: { currency: 'usd', expires_at: expiresAt, max_amount: 10000 },
      payment_method_details: {
        type: 'card',
        card: { brand: 'visa', last4: '4242', funding: 'credit', country: 'US', wallet: null },
        billing_details: { name: null, email: null },
      },
    });
    expect(spt.agent_details.network_business_profile).toMatch(/^profile_test_/);

    const pi = await payWithToken(spt.id, 4000, { expand: ['latest_charge'] });
    expect(pi.status).toBe('succeeded');
    expect(pi.amount_received).toBe(4000);
    const charge = pi.latest_charge as Stripe.Charge;
    expect(charge.payment_method_details?.card?.last4).toBe('4242');
    // Stripe clones the shared PaymentMethod for the payment; the clone names the token.
    const pm = await stripe.paymentMethods.retrieve(pi.payment_method as string);
    expect((pm as any).shared_payment_granted_token).toBe(spt.id);
    expect(pm.card?.last4).toBe('4242');

    const after = await retrieveToken(spt.id);
    expect(after.usage_details).toEqual({ amount_captured: { value: 4000, currency: 'usd' } });
    expect(after.deactivated_reason).toBeNull();
    expect(await eventTypes()).toEqual([
      'payment_intent.created',
      'shared_payment.granted_token.used',
      'charge.succeeded',
      'payment_intent.succeeded',
    ]);
    const used = (await stripe.events.list({ type: 'shared_payment.granted_token.used' as never })).data[0];
    expect((used.data.object as any).usage_details.amount_captured.value).toBe(4000);

    // The rest of the limit is still usable; reaching max_amount consumes the token.
    await payWithToken(spt.id, 6000);
    const consumed = await retrieveToken(spt.id);
    expect(consumed.usage_details.amount_captured.value).toBe(10000);
    expect(consumed.deactivated_reason).toBe('consumed');
    expect(consumed.deactivated_at).toBeTypeOf('number');

    // The top-level spelling from Stripe's guides works too, and confirm accepts the token.
    const other = await grantToken();
    const open = await stripe.paymentIntents.create({
      amount: 1500,
      currency: 'usd',
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
    });
    const confirmed = await stripe.paymentIntents.confirm(open.id, {
      payment_method_data: { shared_payment_granted_token: other.id } as never,
    });
    expect(confirmed.status).toBe('succeeded');
    const top = await stripe.rawRequest('post', '/v1/payment_intents', {
      amount: 1000,
      currency: 'usd',
      confirm: true,
      allowed_payment_method_types: ['card'],
      shared_payment_granted_token: other.id,
    });
    expect(top.status).toBe('succeeded');
    expect((await retrieveToken(other.id)).usage_details.amount_captured.value).toBe(2500);
  });

  it('pays a Connect destination charge with an application fee exactly like a card', async () => {
    const artist = await onboardedAccount(t);
    const spt = await grantToken();
    const hook = await t.receiver();
    await stripe.webhookEndpoints.create({
      url: hook.url,
      enabled_events: ['payment_intent.succeeded', 'charge.succeeded', 'shared_payment.granted_token.used' as never],
    });
    const pi = await payWithToken(spt.id, 10000, {
      application_fee_amount: 1000,
      transfer_data: { destination: artist.id },
    });
    expect(pi.status).toBe('succeeded');
    const charge = await stripe.charges.retrieve(pi.latest_charge as string, {
      expand: ['transfer', 'application_fee', 'balance_transaction'],
    });
    expect(charge).toMatchObject({ application_fee_amount: 1000, transfer_data: { destination: artist.id } });
    expect((charge.transfer as Stripe.Transfer).amount).toBe(10000);
    expect((charge.application_fee as Stripe.ApplicationFee).amount).toBe(1000);
    expect((charge.balance_transaction as Stripe.BalanceTransaction).fee).toBe(stripeFee(10000, 'usd'));
    expect(await balanceOf(stripe)).toEqual({ available: 0, pending: 1000 - stripeFee(10000, 'usd') });
    expect(await balanceOf(stripe, artist.id)).toEqual({ available: 0, pending: 9000 });
    expect(await eventTypes()).toEqual(
      expect.arrayContaining(['transfer.created', 'application_fee.created', 'charge.succeeded']),
    );
    await t.post('/_emulator/webhooks/flush');
    expect(hook.received.map((r) => r.event.type).sort()).toEqual([
      'charge.succeeded',
      'payment_intent.succeeded',
      'shared_payment.granted_token.used',
    ]);
    expect((await retrieveToken(spt.id)).deactivated_reason).toBe('consumed');
  });

  it('refuses an amount over max_amount, another currency, and an unknown token, storing nothing', async () => {
    const spt = await grantToken({ usage_limits: { currency: 'usd', max_amount: 5000 } });
    expect(spt.usage_limits.expires_at).toBeNull();
    const over = await payWithToken(spt.id, 5001).catch((e) => e);
    expect(over).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect([over.statusCode, over.code, over.param]).toEqual([400, 'amount_too_large', 'amount']);
    expect(over.message).toBe(
      `The amount of this PaymentIntent (5001 usd) exceeds the amount remaining on the SharedPaymentGrantedToken ${spt.id} (5000 usd).`,
    );

    const eur = await payWithToken(spt.id, 1000, { currency: 'eur' }).catch((e) => e);
    expect([eur.statusCode, eur.type, eur.code, eur.param]).toEqual([
      400,
      'StripeInvalidRequestError',
      'payment_intent_invalid_parameter',
      'currency',
    ]);
    expect(eur.message).toBe(
      `The currency of this PaymentIntent (eur) does not match the currency allowed by the SharedPaymentGrantedToken ${spt.id} (usd).`,
    );

    const unknown = await payWithToken('spt_missing', 1000).catch((e) => e);
    expect([unknown.statusCode, unknown.code, unknown.param]).toEqual([
      404,
      'resource_missing',
      'payment_method_data[shared_payment_granted_token]',
    ]);
    expect(unknown.message).toBe("No such shared_payment_granted_token: 'spt_missing'");
    const missingGet = await retrieveToken('spt_missing').catch((e) => e);
    expect([missingGet.statusCode, missingGet.code]).toEqual([404, 'resource_missing']);

    expect((await stripe.paymentIntents.list()).data).toHaveLength(0);
    const unused = await retrieveToken(spt.id);
    expect([unused.usage_details.amount_captured.value, unused.deactivated_reason]).toEqual([0, null]);
    // Still usable up to its limit.
    expect((await payWithToken(spt.id, 5000)).status).toBe('succeeded');
  });

  it('expires on the emulator clock and can be revoked', async () => {
    const now = await emulatorNow();
    const expiresAt = now + 600;
    const spt = await grantToken({ usage_limits: { currency: 'usd', max_amount: 10000, expires_at: expiresAt } });
    const past = await grantToken({ usage_limits: { currency: 'usd', max_amount: 100, expires_at: now - 1 } }).catch(
      (e) => e,
    );
    expect([past.statusCode, past.param]).toEqual([400, 'usage_limits[expires_at]']);

    await t.post('/_emulator/clock/advance', { seconds: 601 });
    const expired = await retrieveToken(spt.id);
    expect([expired.deactivated_reason, expired.deactivated_at]).toEqual(['expired', expiresAt]);
    const err = await payWithToken(spt.id, 1000).catch((e) => e);
    expect([err.statusCode, err.code, err.param]).toEqual([
      400,
      'payment_method_unexpected_state',
      'payment_method_data[shared_payment_granted_token]',
    ]);
    expect(err.message).toBe(
      `The SharedPaymentGrantedToken ${spt.id} is deactivated (expired) and can no longer be used to confirm a PaymentIntent.`,
    );

    const live = await grantToken();
    const revoked = await revokeToken(live.id);
    expect(revoked.deactivated_reason).toBe('revoked');
    expect(revoked.deactivated_at).toBeTypeOf('number');
    expect((await retrieveToken(live.id)).deactivated_reason).toBe('revoked');
    const refused = await payWithToken(live.id, 1000).catch((e) => e);
    expect([refused.statusCode, refused.code]).toEqual([400, 'payment_method_unexpected_state']);
    expect(refused.message).toContain('is deactivated (revoked)');
    expect((await stripe.paymentIntents.list()).data).toHaveLength(0);
  });

  it('passes card declines through as the usual 402 and leaves the token usable', async () => {
    const declining = await grantToken({ payment_method: 'pm_card_chargeDeclinedInsufficientFunds' });
    expect(declining.payment_method_details.card.last4).toBe('9995');
    const err = await payWithToken(declining.id, 2000).catch((e) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect([err.statusCode, err.code, err.decline_code]).toEqual([402, 'card_declined', 'insufficient_funds']);
    expect(err.message).toBe('Your card has insufficient funds.');
    expect(err.raw.payment_intent.status).toBe('requires_payment_method');
    const after = await retrieveToken(declining.id);
    expect([after.usage_details.amount_captured.value, after.deactivated_reason]).toEqual([0, null]);
    expect(await eventTypes()).toEqual(['payment_intent.created', 'charge.failed', 'payment_intent.payment_failed']);

    // A token over an existing PaymentMethod works; a retry after a decline on the same intent succeeds.
    const pm = await stripe.paymentMethods.retrieve(
      (
        await stripe.paymentIntents.create({
          amount: 1000,
          currency: 'usd',
          payment_method: 'pm_card_mastercard',
          allowed_payment_method_types: ['card'],
        })
      ).payment_method as string,
    );
    const good = await grantToken({ payment_method: pm.id });
    expect(good.payment_method_details.card.brand).toBe('mastercard');
    const retried = await stripe.paymentIntents.confirm(err.raw.payment_intent.id, {
      payment_method_data: { shared_payment_granted_token: good.id } as never,
    });
    expect(retried.status).toBe('succeeded');
    expect((await retrieveToken(good.id)).usage_details.amount_captured.value).toBe(2000);
  });

  it('replays idempotent creates and confirms without charging the token twice', async () => {
    const params = { usage_limits: { currency: 'usd', max_amount: 10000, expires_at: (await emulatorNow()) + 3600 } };
    const first = await grantToken(params, { idempotencyKey: 'grant-1' });
    const again = await grantToken(params, { idempotencyKey: 'grant-1' });
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(again.id).toBe(first.id);

    const pi1 = await payWithToken(first.id, 3000, {}, { idempotencyKey: 'pay-1' });
    const pi2 = await payWithToken(first.id, 3000, {}, { idempotencyKey: 'pay-1' });
    expect(pi2.id).toBe(pi1.id);
    expect(pi2.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await stripe.paymentIntents.list()).data).toHaveLength(1);
    expect((await retrieveToken(first.id)).usage_details.amount_captured.value).toBe(3000);

    const reused = await payWithToken(first.id, 3001, {}, { idempotencyKey: 'pay-1' }).catch((e) => e);
    expect(reused).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it('persists tokens and their usage across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stripe-emulator-spt-'));
    const dataFile = join(dir, 'state.json');
    try {
      const first = await startEmulator({ port: 0, dataFile, autoAdvance: false });
      const s1 = client(first.port);
      const spt = await grantToken({ usage_limits: { currency: 'usd', max_amount: 5000 } }, {}, s1);
      const pi = await s1.paymentIntents.create({
        amount: 2000,
        currency: 'usd',
        confirm: true,
        allowed_payment_method_types: ['card'],
        payment_method_data: { shared_payment_granted_token: spt.id } as never,
      });
      expect(pi.status).toBe('succeeded');
      await first.stop();
      const second = await startEmulator({ port: 0, dataFile, autoAdvance: false });
      const s2 = client(second.port);
      const restored = await s2.rawRequest('get', `/v1/shared_payment/granted_tokens/${spt.id}`);
      expect(restored.usage_details.amount_captured.value).toBe(2000);
      const over = await s2.paymentIntents
        .create({
          amount: 3001,
          currency: 'usd',
          confirm: true,
          allowed_payment_method_types: ['card'],
          payment_method_data: { shared_payment_granted_token: spt.id } as never,
        })
        .catch((e) => e);
      expect([over.statusCode, over.code]).toEqual([400, 'amount_too_large']);
      const rest = await s2.paymentIntents.create({
        amount: 3000,
        currency: 'usd',
        confirm: true,
        allowed_payment_method_types: ['card'],
        payment_method_data: { shared_payment_granted_token: spt.id } as never,
      });
      expect(rest.status).toBe('succeeded');
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('validates create params', async () => {
    const noLimits = await stripe
      .rawRequest('post', '/v1/test_helpers/shared_payment/granted_tokens', { payment_method: 'pm_card_visa' })
      .catch((e) => e);
    expect([noLimits.statusCode, noLimits.code, noLimits.param]).toEqual([400, 'parameter_missing', 'usage_limits']);
    const badPm = await grantToken({ payment_method: 'pm_nope' }).catch((e) => e);
    expect([badPm.statusCode, badPm.code, badPm.param]).toEqual([404, 'resource_missing', 'payment_method']);
    const extra = await grantToken({ usage_limits: { currency: 'usd', max_amount: 100, per_use: 1 } }).catch((e) => e);
    expect([extra.statusCode, extra.code]).toEqual([400, 'parameter_unknown']);
    const spt = await grantToken();
    const both = await payWithToken(spt.id, 1000, { payment_method: 'pm_card_visa' }).catch((e) => e);
    expect([both.statusCode, both.code]).toEqual([400, 'parameters_exclusive']);
  });
});
