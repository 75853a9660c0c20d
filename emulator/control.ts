import type { Hono } from 'hono';
import { advanceClock } from './core/clock.ts';
import { getCtx } from './core/context.ts';
import { invalid, StripeError } from './core/errors.ts';
import { systemOrigin } from './core/events.ts';
import { int, num, oneOf, str, validate } from './core/params.ts';
import type { EmulatorState } from './core/state.ts';
import { clearState, clone, nowMs, nowSec } from './core/state.ts';
import { flush } from './core/webhooks.ts';
import { findSessionAnyScope, payCheckoutSession, resolveCheckout3DS } from './payments/checkout.ts';
import { confirmWithCard } from './payments/engine.ts';

/** Test-control API under /_emulator (no auth): reset, checkout completion, clock, deliveries, chaos, flush. */
export const controlRoutes = (app: Hono, state: EmulatorState): void => {
  app.post('/_emulator/reset', (c) => {
    clearState(state);
    return c.json({ ok: true });
  });

  app.post('/_emulator/checkout/sessions/:id/complete', (c) => {
    const p = validate(getCtx(c).params, {
      card_number: str,
      email: str,
      name: str,
      exp_month: int(1, 12),
      exp_year: int(2000, 2100),
      cvc: str,
      shipping_name: str,
      shipping_line1: str,
      shipping_line2: str,
      shipping_city: str,
      shipping_postal_code: str,
      shipping_state: str,
      shipping_country: str,
      three_d_secure: oneOf('approve', 'deny'),
      async_outcome: oneOf('succeeded', 'failed'),
    });
    const rec = findSessionAnyScope(state, c.req.param('id'));
    if (!rec)
      throw new StripeError(404, 'invalid_request_error', `No such checkout.session: '${c.req.param('id')}'`, {
        code: 'resource_missing',
        param: 'session',
      });
    const allowed: string[] = rec.obj.shipping_address_collection?.allowed_countries ?? [];
    const hasShipping = Object.keys(p).some((k) => k.startsWith('shipping_'));
    // Default test address so tests only pass shipping fields when they care about them.
    const shipping = hasShipping
      ? {
          name: p.shipping_name,
          line1: p.shipping_line1,
          line2: p.shipping_line2,
          city: p.shipping_city,
          postal_code: p.shipping_postal_code,
          state: p.shipping_state,
          country: p.shipping_country,
        }
      : {
          name: p.name ?? 'Jenny Rosen',
          line1: '1 Test Street',
          city: 'Testville',
          postal_code: '10001',
          country: allowed[0] ?? 'US',
        };
    const knownEmail = rec.obj.customer_email || (rec.obj.customer && state.records.get(rec.obj.customer)?.obj.email);
    const result = payCheckoutSession(state, systemOrigin(rec.account), rec, {
      cardNumber: p.card_number ?? undefined,
      email: p.email ?? (knownEmail ? undefined : 'test@example.com'),
      name: p.name ?? null,
      expMonth: p.exp_month ?? undefined,
      expYear: p.exp_year ?? undefined,
      cvc: p.cvc ?? undefined,
      shipping,
      threeDS: p.three_d_secure ?? 'approve',
      asyncOutcome: p.async_outcome ?? undefined,
    });
    if (result === 'requires_action') throw invalid('Unexpected 3-D Secure step.');
    return c.json(clone(rec.obj));
  });

  app.post('/_emulator/checkout/sessions/:id/authenticate', (c) => {
    const p = validate(getCtx(c).params, { outcome: oneOf('approve', 'deny') });
    const rec = findSessionAnyScope(state, c.req.param('id'));
    if (!rec) throw invalid(`No such checkout.session: '${c.req.param('id')}'`, 'session', 'resource_missing');
    resolveCheckout3DS(state, systemOrigin(rec.account), rec, p.outcome ?? 'approve');
    return c.json(clone(rec.obj));
  });

  app.post('/_emulator/payment_intents/:id/authenticate', (c) => {
    const p = validate(getCtx(c).params, { outcome: oneOf('approve', 'deny') });
    const rec = state.records.get(c.req.param('id'));
    const pending = rec?.internal.pendingCard;
    if (rec?.type !== 'payment_intent' || !pending) throw invalid('This PaymentIntent is not awaiting authentication.');
    const pm = state.records.get(pending.paymentMethod)!;
    confirmWithCard(state, systemOrigin(rec.account), rec, pm, pending.input, p.outcome ?? 'approve');
    return c.json(clone(rec.obj));
  });

  app.get('/_emulator/clock', (c) =>
    c.json({ now: nowSec(state), now_ms: nowMs(state), offset_seconds: state.clockOffsetMs / 1000 }),
  );

  app.post('/_emulator/clock/advance', async (c) => {
    const p = validate(getCtx(c).params, { seconds: num(0) });
    return c.json({ now: await advanceClock(state, p.seconds ?? 0) });
  });

  app.get('/_emulator/deliveries', (c) => {
    const p = validate(getCtx(c).params, { event: str, type: str, endpoint: str, limit: int(1, 1000) });
    const data = [...state.deliveries]
      .reverse()
      .filter(
        (d) =>
          (!p.event || d.event === p.event) &&
          (!p.type || d.type === p.type) &&
          (!p.endpoint || d.endpoint === p.endpoint),
      )
      .slice(0, p.limit ?? 1000);
    return c.json({ object: 'list', data, pending: state.queue.length });
  });

  app.get('/_emulator/chaos', (c) => c.json(state.chaos));

  app.post('/_emulator/chaos', (c) => {
    const p = validate(getCtx(c).params, {
      duplicate_rate: num(0, 1),
      reorder_rate: num(0, 1),
      failure_rate: num(0, 1),
    });
    for (const key of ['duplicate_rate', 'reorder_rate', 'failure_rate'] as const)
      if (p[key] !== undefined) state.chaos[key] = p[key];
    state.onChange();
    return c.json(state.chaos);
  });

  app.post('/_emulator/webhooks/flush', async (c) => {
    await flush(state);
    return c.json({ ok: true, scheduled_retries: state.queue.length });
  });
};
