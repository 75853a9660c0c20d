import type { Context, Hono } from 'hono';
import { StripeError } from '../core/errors.ts';
import { systemOrigin } from '../core/events.ts';
import type { EmulatorState, Obj, Rec } from '../core/state.ts';
import { nowSec } from '../core/state.ts';
import type { CheckoutPayment } from '../payments/checkout.ts';
import {
  applyPromotionCode,
  chooseShippingOption,
  expireSession,
  findSessionAnyScope,
  payCheckoutSession,
  resolveCheckout3DS,
} from '../payments/checkout.ts';
import { CHECKOUT_LOCALES } from '../resources/checkout-sessions-create.ts';
import { sessionTaxLines } from '../resources/tax-rates.ts';
import { esc, formatMoney, page } from './layout.ts';

type Form = Record<string, string>;

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
// "France (FR)" rather than a bare code, so a buyer in Lyon finds their country.
const countryName = (code: string) => `${regionNames.of(code) ?? code} (${code})`;

/** Where the buyer goes after paying; `{CHECKOUT_SESSION_ID}` is substituted like Stripe does. */
export function successRedirect(session: Obj): string | null {
  return session.success_url ? session.success_url.replaceAll('{CHECKOUT_SESSION_ID}', session.id) : null;
}

function input(id: string, label: string, value: string, attrs = ''): string {
  return `<label for="${id}">${esc(label)}</label><input id="${id}" name="${id}" value="${esc(value)}" ${attrs}>`;
}

function summary(rec: Rec): string {
  const s = rec.obj;
  const items = (rec.internal.lineItems as Obj[])
    .map(
      (li) =>
        `<li><span>${esc(li.description)}${li.quantity > 1 ? ` <span class="muted qty">× ${li.quantity}</span>` : ''}</span><span class="amount">${esc(formatMoney(li.amount_subtotal, li.currency))}</span></li>`,
    )
    .join('');
  const back = s.cancel_url ? `<p><a id="cancel" href="${esc(s.cancel_url)}">← Back</a></p>` : '';
  return `<div class="col">${back}<h1>Pay<span class="badge">Test mode</span></h1>
<div class="total" id="total">${esc(formatMoney(s.amount_total, s.currency))}</div>
<ul class="items" id="lineItems">${items}</ul>
<div class="sum"><span>Subtotal</span><span id="subtotal">${esc(formatMoney(s.amount_subtotal, s.currency))}</span></div>
${discountLine(rec)}${shippingLine(rec)}${taxLines(rec)}<div class="sum"><span>Total due</span><span>${esc(formatMoney(s.amount_total, s.currency))}</span></div></div>`;
}

// The applied discount as Stripe's page shows it: the code (or coupon name) and the amount off.
function discountLine(rec: Rec): string {
  const s = rec.obj;
  const d = s.discounts?.[0];
  if (!d || !s.total_details.amount_discount) return '';
  const promo = d.promotion_code ? rec.internal.promotionCodeLabel : null;
  const label = promo ?? d.coupon;
  return `<div class="sum" id="discount"><span>Discount <span class="muted">(${esc(label)})</span></span><span>−${esc(formatMoney(s.total_details.amount_discount, s.currency))}</span></div>`;
}

// Stripe's tax lines under the subtotal: one per rate, "VAT (19%)" added, or "Includes VAT (20%)" for inclusive.
function taxLines(rec: Rec): string {
  const s = rec.obj;
  const lines = sessionTaxLines(rec.internal.lineItems as Obj[], rec.internal.lineTaxRates as Obj[][] | undefined);
  if (!lines.length) return '';
  const rows = lines
    .map(({ rate, amount }) => {
      const label = `${rate.inclusive ? 'Includes ' : ''}${rate.display_name} (${rate.percentage}%)`;
      return `<div class="sum tax-line" data-tax-rate="${esc(rate.id)}"><span>${esc(label)}</span><span>${esc(formatMoney(amount, s.currency))}</span></div>`;
    })
    .join('');
  return `<div id="taxLines">${rows}</div>`;
}

// The chosen shipping rate's line in the summary.
function shippingLine(rec: Rec): string {
  const s = rec.obj;
  if (!s.shipping_cost) return '';
  return `<div class="sum" id="shippingCost"><span>Shipping</span><span>${esc(formatMoney(s.shipping_cost.amount_total, s.currency))}</span></div>`;
}

// The session's shipping options as radio buttons; without JavaScript, "Update total" re-renders with the choice.
function shippingOptionsField(state: EmulatorState, rec: Rec, form: Form): string {
  const s = rec.obj;
  const options: Obj[] = s.shipping_options ?? [];
  if (!options.length) return '';
  const chosen = form.shippingRate ?? s.shipping_cost?.shipping_rate;
  const items = options
    .map((o) => {
      const rate = state.records.get(o.shipping_rate)?.obj;
      const label = `${rate?.display_name ?? o.shipping_rate} · ${formatMoney(o.shipping_amount, s.currency)}`;
      return `<label class="option"><input type="radio" name="shippingRate" value="${esc(o.shipping_rate)}"${o.shipping_rate === chosen ? ' checked' : ''}> ${esc(label)}</label>`;
    })
    .join('');
  const update =
    options.length > 1
      ? '<button id="updateShipping" type="submit" name="action" value="update_shipping" class="secondary" formnovalidate>Update total</button>'
      : '';
  return `<fieldset id="shippingOptions"><legend>Shipping method</legend>${items}${update}</fieldset>`;
}

// Stripe's "Add promotion code" field, shown while no code is applied on a session that allows them.
function promotionCodeField(rec: Rec, form: Form): string {
  const s = rec.obj;
  if (!s.allow_promotion_codes || s.discounts?.length) return '';
  return `<div class="promo"><label for="promotionCode">Promotion code</label><div class="row"><div><input id="promotionCode" name="promotionCode" value="${esc(form.promotionCode ?? '')}" autocomplete="off"></div><div><button id="applyCode" type="submit" name="action" value="apply_code" class="secondary" formnovalidate>Apply</button></div></div></div>`;
}

// `custom_fields` as Stripe's page shows them; browsers enforce `required`/lengths, the server checks again.
function customFieldsSection(rec: Rec, form: Form): string {
  const fields: Obj[] = rec.obj.custom_fields ?? [];
  return fields
    .map((f) => {
      const id = `custom_${f.key}`;
      const label = `${f.label.custom}${f.optional ? ' (optional)' : ''}`;
      const required = f.optional ? '' : ' required';
      if (f.type === 'dropdown') {
        const chosen = form[id] ?? f.dropdown.default_value ?? '';
        const options = (f.dropdown.options as Obj[])
          .map(
            (o) => `<option value="${esc(o.value)}"${o.value === chosen ? ' selected' : ''}>${esc(o.label)}</option>`,
          )
          .join('');
        return `<label for="${id}">${esc(label)}</label><select id="${id}" name="${id}"${required}><option value=""${chosen ? '' : ' selected'}>Select an option</option>${options}</select>`;
      }
      const c = f[f.type];
      const attrs = [
        required.trim(),
        c.minimum_length ? `minlength="${c.minimum_length}"` : '',
        `maxlength="${c.maximum_length ?? 255}"`,
        f.type === 'numeric' ? 'inputmode="numeric" pattern="[0-9]*"' : '',
      ].join(' ');
      return input(id, label, form[id] ?? c.default_value ?? '', attrs);
    })
    .join('');
}

// Stripe's consent checkboxes: promotions (opt-in) and the terms of service the buyer must accept.
function consentSection(rec: Rec, form: Form): string {
  const cc = rec.obj.consent_collection;
  if (!cc) return '';
  const box = (id: string, text: string, required: boolean) =>
    `<label class="option" for="${id}"><input type="checkbox" id="${id}" name="${id}" value="on"${form[id] === 'on' ? ' checked' : ''}${required ? ' required' : ''}> ${esc(text)}</label>`;
  const promo =
    cc.promotions === 'auto' ? box('consentPromotions', 'Keep me updated with news and offers.', false) : '';
  const tos = cc.terms_of_service === 'required' ? box('consentTerms', 'I agree to the Terms of Service.', true) : '';
  return promo || tos ? `<div id="consent">${promo}${tos}</div>` : '';
}

function checkoutForm(state: EmulatorState, rec: Rec, form: Form, error: string | null): string {
  const s = rec.obj;
  const countries: string[] = s.shipping_address_collection?.allowed_countries ?? [];
  const shipping = s.shipping_address_collection
    ? `<h2>Shipping address</h2>${input('shippingName', 'Full name', form.shippingName ?? '', 'autocomplete="shipping name"')}
${input('shippingLine1', 'Address', form.shippingLine1 ?? '', 'autocomplete="shipping address-line1"')}
<div class="row"><div>${input('shippingCity', 'City', form.shippingCity ?? '')}</div><div>${input('shippingPostalCode', 'Postal code', form.shippingPostalCode ?? '')}</div></div>
<label for="shippingCountry">Country</label><select id="shippingCountry" name="shippingCountry" autocomplete="shipping country"><option value=""${form.shippingCountry ? '' : ' selected'}>Choose a country</option>${countries
        .map(
          (c) =>
            `<option value="${esc(c)}"${form.shippingCountry === c ? ' selected' : ''}>${esc(countryName(c))}</option>`,
        )
        .join('')}</select>`
    : '';
  const shippingChoice = shippingOptionsField(state, rec, form);
  const needsCard = s.payment_status !== 'no_payment_required';
  const card = needsCard
    ? `<h2>Payment details</h2>${input('cardNumber', 'Card number', form.cardNumber ?? '', 'inputmode="numeric" autocomplete="cc-number" placeholder="4242 4242 4242 4242"')}
<div class="row"><div>${input('cardExpiry', 'Expiry', form.cardExpiry ?? '', 'autocomplete="cc-exp" placeholder="MM / YY"')}</div><div>${input('cardCvc', 'CVC', form.cardCvc ?? '', 'inputmode="numeric" autocomplete="cc-csc" placeholder="123"')}</div></div>
${input('billingName', 'Name on card', form.billingName ?? '', 'autocomplete="cc-name"')}`
    : '';
  const email = form.email ?? s.customer_email ?? '';
  const err = error ? `<div class="error" id="error" role="alert">${esc(error)}</div>` : '';
  const phone = s.phone_number_collection?.enabled
    ? input('phone', 'Phone number', form.phone ?? '', 'type="tel" autocomplete="tel" required')
    : '';
  const custom = customFieldsSection(rec, form);
  return `<div class="wrap">${summary(rec)}<div class="col card"><form method="post" action="/c/pay/${esc(s.id)}" id="checkoutForm">
${err}${promotionCodeField(rec, form)}<h2 style="margin-top:0">Contact information</h2>${input('email', 'Email', email, 'type="email" autocomplete="email"')}${phone}
${shipping}${shippingChoice}${custom ? `<div id="customFields">${custom}</div>` : ''}${card}${consentSection(rec, form)}<button id="submit" type="submit">${needsCard ? `Pay ${esc(formatMoney(s.amount_total, s.currency))}` : 'Complete order'}</button></form></div></div>`;
}

function statusPage(rec: Rec): string {
  const s = rec.obj;
  if (s.status === 'expired') {
    const back = s.cancel_url ? `<p><a id="cancel" href="${esc(s.cancel_url)}">Return to the merchant</a></p>` : '';
    return page(
      'Session expired',
      `<div class="wrap"><div class="col card" id="expired"><h1>This checkout session has expired</h1><p class="muted">Start again from the merchant's site.</p>${back}</div></div>`,
    );
  }
  const next = successRedirect(s);
  const link = next ? `<p><a id="continue" href="${esc(next)}">Continue</a></p>` : '';
  return page(
    'Payment complete',
    `<div class="wrap"><div class="col card" id="complete"><h1 class="ok">Payment complete</h1><p>Thanks! A confirmation was sent to ${esc(s.customer_details?.email ?? '')}.</p>${link}</div></div>`,
  );
}

function threeDSPage(rec: Rec): string {
  const id = esc(rec.id);
  const button = (decision: string, label: string, cls = '') =>
    `<form method="post" action="/c/pay/${id}/3ds"><input type="hidden" name="decision" value="${decision}"><button id="${decision}" class="${cls}" type="submit">${label}</button></form>`;
  return page(
    '3D Secure authentication',
    `<div class="wrap"><div class="col card" id="threeDS"><h1>3D Secure 2 Test Page</h1><p class="muted">This is a test authentication page. Approve or deny the payment of ${esc(formatMoney(rec.obj.amount_total, rec.obj.currency))}.</p>${button('approve', 'Complete authentication')}${button('deny', 'Fail authentication', 'secondary')}</div></div>`,
  );
}

function toPayment(form: Form, session: Obj): CheckoutPayment {
  const needsShipping = !!session.shipping_address_collection;
  const exp = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(form.cardExpiry ?? '');
  if (form.cardNumber !== undefined && !exp)
    throw new StripeError(402, 'card_error', "Your card's expiration date is incomplete.", {
      code: 'incomplete_expiry',
    });
  return {
    email: form.email?.trim() || null,
    cardNumber: form.cardNumber?.replace(/\s+/g, ''),
    expMonth: exp ? Number(exp[1]) : undefined,
    expYear: exp ? (exp[2].length === 2 ? 2000 + Number(exp[2]) : Number(exp[2])) : undefined,
    cvc: form.cardNumber !== undefined ? (form.cardCvc ?? '').trim() : undefined,
    name: form.billingName?.trim() || null,
    shippingRate: form.shippingRate || undefined,
    phone: form.phone ?? '',
    customFields: Object.fromEntries(
      (session.custom_fields as Obj[]).map((f) => [f.key, form[`custom_${f.key}`] ?? '']),
    ),
    consent: { promotions: form.consentPromotions === 'on', termsOfService: form.consentTerms === 'on' },
    shipping: needsShipping
      ? {
          name: form.shippingName?.trim(),
          line1: form.shippingLine1?.trim(),
          city: form.shippingCity?.trim(),
          postal_code: form.shippingPostalCode?.trim(),
          country: form.shippingCountry?.trim(),
        }
      : null,
  };
}

// Refills contact and shipping fields after a failed 3-D Secure step (card fields stay empty on purpose).
function formFromPending(rec: Rec): Form {
  const pending = rec.internal.pendingForm ?? {};
  const ship = pending.shipping;
  const custom = ((pending.customFields ?? []) as Obj[]).map((f) => [`custom_${f.key}`, f[f.type].value ?? '']);
  return {
    email: pending.email ?? '',
    billingName: pending.name ?? '',
    phone: pending.phone ?? '',
    ...Object.fromEntries(custom),
    ...(pending.consent?.promotions === 'opt_in' ? { consentPromotions: 'on' } : {}),
    ...(pending.consent?.terms_of_service === 'accepted' ? { consentTerms: 'on' } : {}),
    ...(ship
      ? {
          shippingName: ship.name ?? '',
          shippingLine1: ship.address.line1 ?? '',
          shippingCity: ship.address.city ?? '',
          shippingPostalCode: ship.address.postal_code ?? '',
          shippingCountry: ship.address.country ?? '',
        }
      : {}),
  };
}

// Stripe renders the page in `locale` (unset or `auto`: the browser's language); only `<html lang>` follows here.
function pageLang(c: Context, session: Obj): string {
  if (session.locale && session.locale !== 'auto') return session.locale;
  const locales = CHECKOUT_LOCALES.filter((l) => l !== 'auto');
  for (const part of (c.req.header('accept-language') ?? '').split(',')) {
    const tag = part.split(';')[0].trim().toLowerCase();
    const match = locales.find((l) => l.toLowerCase() === tag) ?? locales.find((l) => l === tag.split('-')[0]);
    if (match) return match;
  }
  return 'en';
}

function html(c: Context, rec: Rec, markup: string) {
  return c.html(markup.replace('<html lang="en">', `<html lang="${esc(pageLang(c, rec.obj))}">`));
}

function afterPayment(c: Context, rec: Rec) {
  const next = successRedirect(rec.obj);
  return next ? c.redirect(next, 303) : html(c, rec, statusPage(rec));
}

/** Hosted Checkout: GET shows the page, POST pays, POST …/3ds approves or denies 3-D Secure. */
export const checkoutPage = (app: Hono, state: EmulatorState): void => {
  app.get('/c/pay/:id', (c) => {
    const rec = findSessionAnyScope(state, c.req.param('id'));
    if (!rec) return c.html(page('Not found', '<div class="wrap"><h1>Checkout session not found</h1></div>'), 404);
    // Lazily expire so a stale tab never shows a payable form.
    if (rec.obj.status === 'open' && rec.obj.expires_at <= nowSec(state)) {
      expireSession(state, systemOrigin(rec.account), rec);
    }
    if (rec.obj.status === 'open') return html(c, rec, page('Checkout', checkoutForm(state, rec, {}, null)));
    return html(c, rec, statusPage(rec));
  });

  app.post('/c/pay/:id', async (c) => {
    const rec = findSessionAnyScope(state, c.req.param('id'));
    if (!rec) return c.html(page('Not found', '<div class="wrap"><h1>Checkout session not found</h1></div>'), 404);
    if (rec.obj.status !== 'open') return html(c, rec, statusPage(rec));
    const form = (await c.req.parseBody()) as Form;
    if (form.action === 'update_shipping') {
      try {
        chooseShippingOption(state, rec, form.shippingRate ?? '');
        return html(c, rec, page('Checkout', checkoutForm(state, rec, form, null)));
      } catch (err) {
        if (!(err instanceof StripeError)) throw err;
        return html(c, rec, page('Checkout', checkoutForm(state, rec, form, err.message)));
      }
    }
    if (form.action === 'apply_code') {
      try {
        applyPromotionCode(state, rec, form.promotionCode ?? '');
        rec.internal.promotionCodeLabel = (form.promotionCode ?? '').trim().toUpperCase();
        return html(c, rec, page('Checkout', checkoutForm(state, rec, form, null)));
      } catch (err) {
        if (!(err instanceof StripeError)) throw err;
        return html(c, rec, page('Checkout', checkoutForm(state, rec, form, err.message)));
      }
    }
    try {
      const result = payCheckoutSession(state, systemOrigin(rec.account), rec, toPayment(form, rec.obj));
      if (result === 'requires_action') return html(c, rec, threeDSPage(rec));
      return afterPayment(c, rec);
    } catch (err) {
      if (!(err instanceof StripeError)) throw err;
      if (rec.obj.status !== 'open') return html(c, rec, statusPage(rec));
      return html(c, rec, page('Checkout', checkoutForm(state, rec, form, err.message)));
    }
  });

  app.post('/c/pay/:id/3ds', async (c) => {
    const rec = findSessionAnyScope(state, c.req.param('id'));
    if (!rec) return c.html(page('Not found', '<div class="wrap"><h1>Checkout session not found</h1></div>'), 404);
    if (rec.obj.status !== 'open') return html(c, rec, statusPage(rec));
    const form = (await c.req.parseBody()) as Form;
    try {
      resolveCheckout3DS(state, systemOrigin(rec.account), rec, form.decision === 'approve' ? 'approve' : 'deny');
      return afterPayment(c, rec);
    } catch (err) {
      if (!(err instanceof StripeError)) throw err;
      if (rec.obj.status !== 'open') return html(c, rec, statusPage(rec));
      return html(c, rec, page('Checkout', checkoutForm(state, rec, formFromPending(rec), err.message)));
    }
  });
};
