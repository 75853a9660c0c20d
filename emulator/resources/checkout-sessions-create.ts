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

/** Checkout's `locale` values in the SDK's pinned API version (`hi-IN` included). */
export const CHECKOUT_LOCALES = (
  'auto bg cs da de el en en-GB es es-419 et fi fil fr fr-CA hi-IN hr hu id it ja ko lt lv ms mt nb nl pl pt ' +
  'pt-BR ro ru sk sl sv th tr vi zh zh-HK zh-TW'
).split(' ');

const fieldLengths = { default_value: str, minimum_length: int(1, 255), maximum_length: int(1, 255) };

const customField: V = obj({
  key: req(str),
  label: req(obj({ type: req(oneOf('custom')), custom: req(str) })),
  type: req(oneOf('dropdown', 'numeric', 'text')),
  optional: bool,
  dropdown: obj({ options: req(arr(obj({ label: req(str), value: req(str) }))), default_value: str }),
  numeric: obj(fieldLengths),
  text: obj(fieldLengths),
});

const invoiceCreation: V = obj({
  enabled: req(bool),
  invoice_data: obj({
    account_tax_ids: arr(str),
    custom_fields: arr(obj({ name: req(str), value: req(str) })),
    description: str,
    footer: str,
    issuer: obj({ type: req(oneOf('account', 'self')), account: str }),
    metadata,
    rendering_options: obj({
      amount_tax_display: oneOf('exclude_tax', 'include_inclusive_tax'),
      template: str,
      template_version: int(1),
    }),
  }),
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
  locale: oneOf(...CHECKOUT_LOCALES),
  custom_fields: arr(customField),
  consent_collection: obj({
    payment_method_reuse_agreement: obj({ position: req(oneOf('auto', 'hidden')) }),
    promotions: oneOf('auto', 'none'),
    terms_of_service: oneOf('none', 'required'),
  }),
  invoice_creation: invoiceCreation,
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

const ALNUM = /^[a-zA-Z0-9]+$/;

/** Validates `custom_fields` as Stripe does and returns them in the session's shape (values filled at payment). */
function buildCustomFields(fields: Obj[]): Obj[] {
  if (fields.length > 3) throw invalid('You can only specify up to 3 custom fields.', 'custom_fields');
  const keys = new Set<string>();
  return fields.map((f, i) => {
    const param = `custom_fields[${i}]`;
    if (!ALNUM.test(f.key) || f.key.length > 200) {
      throw invalid('The `key` must be alphanumeric and at most 200 characters.', `${param}[key]`);
    }
    if (keys.has(f.key)) throw invalid(`The key \`${f.key}\` is used by more than one custom field.`, `${param}[key]`);
    keys.add(f.key);
    if (f.label.custom.length > 100) {
      throw invalid('The label may be at most 100 characters.', `${param}[label][custom]`);
    }
    for (const other of ['dropdown', 'numeric', 'text']) {
      if (other !== f.type && f[other]) {
        throw invalid(`\`${other}\` can only be set when \`type\` is \`${other}\`.`, `${param}[${other}]`);
      }
    }
    const base = { key: f.key, label: { custom: f.label.custom, type: 'custom' }, optional: f.optional ?? false };
    if (f.type === 'dropdown') {
      const d = f.dropdown;
      if (!d) throw invalid(`Missing required param: ${param}[dropdown].`, `${param}[dropdown]`, 'parameter_missing');
      if (!d.options.length || d.options.length > 200) {
        throw invalid('A dropdown needs between 1 and 200 options.', `${param}[dropdown][options]`);
      }
      const values = new Set<string>();
      d.options.forEach((o: Obj, j: number) => {
        const op = `${param}[dropdown][options][${j}]`;
        if (!ALNUM.test(o.value) || o.value.length > 100 || values.has(o.value)) {
          throw invalid('Option values must be unique, alphanumeric and at most 100 characters.', `${op}[value]`);
        }
        if (o.label.length > 100) throw invalid('Option labels may be at most 100 characters.', `${op}[label]`);
        values.add(o.value);
      });
      if (d.default_value != null && !values.has(d.default_value)) {
        throw invalid(
          '`default_value` must match the `value` of one of the options.',
          `${param}[dropdown][default_value]`,
        );
      }
      const options = d.options.map((o: Obj) => ({ label: o.label, value: o.value }));
      return { ...base, dropdown: { default_value: d.default_value ?? null, options, value: null }, type: 'dropdown' };
    }
    const c = f[f.type] ?? {};
    const min = c.minimum_length ?? null;
    const max = c.maximum_length ?? null;
    if (min !== null && max !== null && min > max) {
      throw invalid(
        '`minimum_length` must be less than or equal to `maximum_length`.',
        `${param}[${f.type}][minimum_length]`,
      );
    }
    if (f.type === 'numeric' && c.default_value != null && !/^\d+$/.test(c.default_value)) {
      throw invalid('`default_value` may only contain digits.', `${param}[numeric][default_value]`);
    }
    const config = { default_value: c.default_value ?? null, maximum_length: max, minimum_length: min, value: null };
    return { ...base, [f.type]: config, type: f.type };
  });
}

/** `invoice_creation` in the session's shape; `invoice_data` limits follow Stripe's invoice custom fields. */
function buildInvoiceCreation(p: Obj | undefined): Obj {
  const d = p?.invoice_data ?? {};
  const fields: Obj[] | undefined = d.custom_fields;
  const param = 'invoice_creation[invoice_data]';
  if (fields && fields.length > 4)
    throw invalid('You can only specify up to 4 custom fields.', `${param}[custom_fields]`);
  fields?.forEach((f, i) => {
    if (f.name.length > 40)
      throw invalid('The name may be at most 40 characters.', `${param}[custom_fields][${i}][name]`);
    if (f.value.length > 140) {
      throw invalid('The value may be at most 140 characters.', `${param}[custom_fields][${i}][value]`);
    }
  });
  if (d.issuer?.type === 'account' && !d.issuer.account) {
    throw invalid(
      `Missing required param: ${param}[issuer][account].`,
      `${param}[issuer][account]`,
      'parameter_missing',
    );
  }
  const ro = d.rendering_options;
  return {
    enabled: p?.enabled ?? false,
    invoice_data: {
      account_tax_ids: d.account_tax_ids?.length ? d.account_tax_ids : null,
      custom_fields: fields?.length ? fields.map((f) => ({ name: f.name, value: f.value })) : null,
      description: d.description ?? null,
      footer: d.footer ?? null,
      issuer: d.issuer
        ? { ...(d.issuer.type === 'account' ? { account: d.issuer.account } : {}), type: d.issuer.type }
        : null,
      metadata: mergeMetadata({}, d.metadata),
      rendering_options: ro
        ? { amount_tax_display: ro.amount_tax_display ?? null, template: ro.template ?? null }
        : null,
    },
  };
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
  // Checked before line items, whose inline products and prices are stored as they are built.
  const customFields = buildCustomFields(p.custom_fields ?? []);
  const invoiceCreationShape = buildInvoiceCreation(p.invoice_creation ?? undefined);
  const cc = p.consent_collection;
  const consentCollection = cc
    ? {
        payment_method_reuse_agreement: cc.payment_method_reuse_agreement ?? null,
        promotions: cc.promotions ?? null,
        terms_of_service: cc.terms_of_service ?? null,
      }
    : null;
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
    consent_collection: consentCollection,
    created: now,
    currency: cur,
    currency_conversion: null,
    custom_fields: customFields,
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
    invoice_creation: invoiceCreationShape,
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
