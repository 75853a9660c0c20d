import { assertDestinationCharge } from '../connect/destination-check.ts';
import type { ReqCtx } from '../core/context.ts';
import { invalid, missing } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import type { V } from '../core/params.ts';
import { address, arr, bool, currency, int, mergeMetadata, metadata, obj, oneOf, req, str } from '../core/params.ts';
import type { Obj } from '../core/state.ts';
import { clone, find, insert, mustFind, nowSec } from '../core/state.ts';
import { applySessionDiscount, redeemableCoupon, redeemablePromotionCode } from './coupons.ts';
import { buildPrice } from './prices.ts';
import { buildProduct } from './products.ts';
import { chooseShippingRate, resolveShippingOptions, shippingRateShape } from './shipping-rates.ts';
import { lineTaxRates, recomputeSessionTotals } from './tax-rates.ts';

const urlParam: V = (value, path) => {
  const s = str(value, path);
  if (s === null) return null;
  if (typeof s !== 'string' || !/^https?:\/\/[^\s]+$/i.test(s)) throw invalid('Not a valid URL', path, 'url_invalid');
  return s;
};

const lineItem: V = obj({
  price: str,
  price_data: obj({
    currency: req(currency),
    product: str,
    product_data: obj({
      name: req(str),
      description: str,
      images: arr(str),
      metadata,
      tax_code: str,
      unit_label: str,
    }),
    unit_amount: int(0),
    unit_amount_decimal: str,
    recurring: obj({ interval: str, interval_count: int(1) }),
    tax_behavior: oneOf('inclusive', 'exclusive', 'unspecified'),
  }),
  quantity: int(1, 999999),
  adjustable_quantity: obj({ enabled: req(bool), maximum: int(1), minimum: int(0) }),
  tax_rates: arr(str),
  dynamic_tax_rates: arr(str),
});

export const createShape: Record<string, V> = {
  mode: req(oneOf('payment', 'setup', 'subscription')),
  line_items: arr(lineItem),
  success_url: urlParam,
  cancel_url: urlParam,
  return_url: urlParam,
  metadata,
  customer: str,
  customer_email: str,
  customer_creation: oneOf('always', 'if_required'),
  client_reference_id: str,
  currency,
  expires_at: int(),
  locale: str,
  ui_mode: oneOf('hosted', 'embedded', 'custom'),
  submit_type: oneOf('auto', 'book', 'donate', 'pay', 'subscribe'),
  billing_address_collection: oneOf('auto', 'required'),
  allow_promotion_codes: bool,
  discounts: arr(obj({ coupon: str, promotion_code: str })),
  shipping_options: arr(obj({ shipping_rate: str, shipping_rate_data: obj(shippingRateShape) })),
  payment_method_types: arr(str),
  // The SDK's pinned version (2026-10-28) sends this instead of payment_method_types.
  allowed_payment_method_types: arr(str),
  phone_number_collection: obj({ enabled: req(bool) }),
  shipping_address_collection: obj({ allowed_countries: req(arr(str)) }),
  payment_intent_data: obj({
    metadata,
    description: str,
    receipt_email: str,
    capture_method: oneOf('automatic', 'automatic_async', 'manual'),
    setup_future_usage: oneOf('off_session', 'on_session'),
    statement_descriptor: str,
    statement_descriptor_suffix: str,
    transfer_group: str,
    on_behalf_of: str,
    application_fee_amount: int(0),
    transfer_data: obj({ destination: req(str), amount: int(0) }),
    shipping: obj({ address: req(address), name: req(str), carrier: str, phone: str, tracking_number: str }),
  }),
};

/** Line item (`object: 'item'`) with its price embedded, as Stripe returns them. */
function buildLineItems(ctx: ReqCtx, items: Obj[]): Obj[] {
  return items.map((item, i) => {
    const param = `line_items[${i}]`;
    if (item.quantity == null)
      throw invalid(`Quantity is required. Add \`quantity\` to \`${param}\``, `${param}[quantity]`);
    if (!item.price === !item.price_data) {
      throw invalid(`You must specify either \`price\` or \`price_data\` in \`${param}\`.`, `${param}[price]`);
    }
    let price: Obj;
    if (item.price) {
      const rec = mustFind(ctx.state, item.price, 'price', ctx.account, 'price', `${param}[price]`);
      if (!rec.obj.active) {
        throw invalid('The price specified is inactive. This field only accepts active prices.', `${param}[price]`);
      }
      price = rec.obj;
    } else {
      const pd = item.price_data;
      if (!pd.product === !pd.product_data) {
        throw invalid(
          `You must specify either \`product\` or \`product_data\` in \`${param}[price_data]\`.`,
          `${param}[price_data]`,
        );
      }
      let productId = pd.product;
      if (pd.product_data) {
        // Inline products and prices are real (retrievable) but inactive and emit no events, like Stripe's.
        const product = buildProduct(ctx.state, { ...pd.product_data, active: false });
        insert(ctx.state, 'product', product, ctx.account);
        productId = product.id;
      } else if (!find(ctx.state, productId, 'product', ctx.account)) {
        throw missing('product', productId, `${param}[price_data][product]`);
      }
      price = buildPrice(ctx.state, { ...pd, product: productId, active: false }, `${param}[price_data]`);
      insert(ctx.state, 'price', price, ctx.account);
    }
    if (price.type === 'recurring') {
      throw invalid(
        'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
        `${param}[price]`,
      );
    }
    if (price.unit_amount === null)
      throw invalid('Custom unit amount prices are not supported by the emulator.', `${param}[price]`);
    const product = find(ctx.state, price.product, 'product', ctx.account)?.obj;
    const amount = price.unit_amount * item.quantity;
    return {
      id: newId('li'),
      object: 'item',
      adjustable_quantity: item.adjustable_quantity ?? null,
      amount_discount: 0,
      amount_subtotal: amount,
      amount_tax: 0,
      amount_total: amount,
      currency: price.currency,
      description: product?.name ?? null,
      metadata: {},
      price: clone(price),
      quantity: item.quantity,
    };
  });
}

/** Builds and validates a payment-mode Checkout Session. */
export function createSession(ctx: ReqCtx, p: Obj): Obj {
  const { state } = ctx;
  if (p.mode !== 'payment') throw invalid('The emulator supports `mode=payment` only.', 'mode');
  if (p.ui_mode && p.ui_mode !== 'hosted') throw invalid('The emulator supports `ui_mode=hosted` only.', 'ui_mode');
  if (!p.line_items?.length) throw invalid('Missing required param: line_items.', 'line_items', 'parameter_missing');
  if (p.line_items.length > 100) throw invalid('You may only specify up to 100 line items.', 'line_items');
  if (p.customer && p.customer_email) {
    throw invalid('You may only specify one of these parameters: customer, customer_email.', 'customer_email');
  }
  if (p.customer && p.customer_creation) {
    throw invalid('You may only specify one of these parameters: customer, customer_creation.', 'customer_creation');
  }
  const customer = p.customer ? find(state, p.customer, 'customer', ctx.account) : null;
  if (p.customer && !customer) throw missing('customer', p.customer, 'customer');
  const now = nowSec(state);
  const expiresAt = p.expires_at ?? now + 86400;
  if (expiresAt < now + 1800 || expiresAt > now + 86400) {
    throw invalid(
      'The `expires_at` timestamp must be at least 30 minutes and less than 24 hours from Checkout Session creation.',
      'expires_at',
    );
  }
  const items = buildLineItems(ctx, p.line_items);
  const cur = items[0].currency;
  if (items.some((li) => li.currency !== cur) || (p.currency && p.currency !== cur)) {
    throw invalid('All line items must use the same currency.', 'line_items');
  }
  const subtotal = items.reduce((sum, li) => sum + li.amount_subtotal, 0);
  if (p.discounts?.length && p.allow_promotion_codes) {
    throw invalid('You may only specify one of these parameters: allow_promotion_codes, discounts.', 'discounts');
  }
  if ((p.discounts?.length ?? 0) > 1)
    throw invalid('You may only apply one discount to a Checkout Session.', 'discounts');
  const wanted = p.discounts?.[0];
  if (wanted && !wanted.coupon === !wanted.promotion_code) {
    throw invalid('You must specify either `coupon` or `promotion_code` in `discounts[0]`.', 'discounts[0]');
  }
  const discount = wanted?.promotion_code
    ? redeemablePromotionCode(
        state,
        ctx.account,
        { id: wanted.promotion_code },
        { currency: cur, subtotal },
        'discounts[0][promotion_code]',
      )
    : wanted?.coupon
      ? { promo: null, coupon: redeemableCoupon(state, ctx.account, wanted.coupon, 'discounts[0][coupon]') }
      : null;
  const pid = p.payment_intent_data ?? {};
  const id = newId('cs');
  const session: Obj = {
    id,
    object: 'checkout.session',
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: p.allow_promotion_codes ?? null,
    allowed_payment_method_types: p.allowed_payment_method_types ?? null,
    amount_subtotal: subtotal,
    amount_total: subtotal,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: p.billing_address_collection ?? null,
    cancel_url: p.cancel_url ?? null,
    client_reference_id: p.client_reference_id ?? null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: now,
    currency: cur,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: customer?.id ?? null,
    customer_account: null,
    customer_creation: customer ? null : (p.customer_creation ?? 'if_required'),
    customer_details: null,
    customer_email: p.customer_email ?? null,
    discounts: [],
    expires_at: expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation: {
      enabled: false,
      invoice_data: {
        account_tax_ids: null,
        custom_fields: null,
        description: null,
        footer: null,
        issuer: null,
        metadata: {},
        rendering_options: null,
      },
    },
    livemode: false,
    locale: p.locale ?? null,
    managed_payments: null,
    metadata: mergeMetadata({}, p.metadata),
    mode: 'payment',
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: 'if_required',
    payment_method_configuration_details: null,
    payment_method_options: { card: { request_three_d_secure: 'automatic' } },
    payment_method_types: p.payment_method_types ?? p.allowed_payment_method_types ?? ['card'],
    payment_status: subtotal === 0 ? 'no_payment_required' : 'unpaid',
    permissions: null,
    phone_number_collection: { enabled: p.phone_number_collection?.enabled ?? false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: p.shipping_address_collection ?? null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: p.submit_type ?? null,
    subscription: null,
    success_url: p.success_url ?? null,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: `${state.publicUrl}/c/pay/${id}`,
    wallet_options: null,
  };
  const lineRates = (p.line_items as Obj[]).map((li, i) =>
    lineTaxRates(state, ctx.account, li.tax_rates ?? [], `line_items[${i}][tax_rates]`),
  );
  recomputeSessionTotals(session, items, lineRates);
  if (discount) {
    applySessionDiscount(session, items, discount.coupon.obj, discount.promo?.id ?? null, 'discounts[0]', lineRates);
  }
  // The first option is preselected, as on Stripe's page; the buyer may pick another before paying.
  const rates = resolveShippingOptions(state, ctx.account, p.shipping_options ?? [], cur);
  session.shipping_options = rates.map((r) => ({ shipping_amount: r.fixed_amount.amount, shipping_rate: r.id }));
  if (rates.length) chooseShippingRate(session, rates[0], items, lineRates);
  // The fee is checked against what the buyer will actually pay, after any discount.
  assertDestinationCharge(state, ctx.account, { amount: session.amount_total, ...pid }, 'payment_intent_data');
  insert(state, 'checkout.session', session, ctx.account, {
    lineItems: items,
    lineTaxRates: lineRates,
    paymentIntentData: p.payment_intent_data ?? {},
  });
  return session;
}
