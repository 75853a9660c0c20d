import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { acpPaymentHandlers } from './discovery.ts';
import { acpError, acpValidationError } from './http.ts';
import * as acp from './schema.ts';
import { acpJsonSchema, validateAcp } from './schema-validate.ts';

const examples = (file: string) =>
  JSON.parse(readFileSync(new URL(`./spec/examples/${file}`, import.meta.url), 'utf8')) as Record<string, any>;
const rest = examples('examples.agentic_checkout.json');
const mcp = examples('examples.mcp.agentic_checkout.json');
const multi = examples('examples.multi_item_checkout.json');

const requestSchemas = {
  CheckoutSessionCreateRequest: acp.CheckoutSessionCreateRequest,
  CheckoutSessionUpdateRequest: acp.CheckoutSessionUpdateRequest,
  CheckoutSessionCompleteRequest: acp.CheckoutSessionCompleteRequest,
  CancelSessionRequest: acp.CancelSessionRequest,
} as const;
type RequestDef = keyof typeof requestSchemas;

// Every request example of the release, by where it lives: [label, value, $def].
const valid: [string, unknown, RequestDef][] = [
  ['rest create', rest.create_checkout_session_request, 'CheckoutSessionCreateRequest'],
  [
    'rest create first-touch',
    rest.create_checkout_session_request_with_first_touch_attribution,
    'CheckoutSessionCreateRequest',
  ],
  ['rest update', rest.update_checkout_session_request, 'CheckoutSessionUpdateRequest'],
  ['rest complete', rest.complete_checkout_session_request, 'CheckoutSessionCompleteRequest'],
  [
    'rest complete seller-backed',
    rest.complete_checkout_session_request_seller_backed,
    'CheckoutSessionCompleteRequest',
  ],
  [
    'rest complete last-touch',
    rest.complete_checkout_session_request_with_last_touch_attribution,
    'CheckoutSessionCompleteRequest',
  ],
  [
    'rest complete with 3DS result',
    rest.complete_session_with_authentication_result_request,
    'CheckoutSessionCompleteRequest',
  ],
  [
    'rest complete with denied 3DS',
    rest.complete_session_with_denied_authentication_request,
    'CheckoutSessionCompleteRequest',
  ],
  ['rest cancel', rest.cancel_checkout_session_request, 'CancelSessionRequest'],
  ['rest cancel timing-deferred', rest.cancel_checkout_session_request_timing_deferred, 'CancelSessionRequest'],
  ['mcp create', mcp.create_checkout_session_request.params.arguments.payload, 'CheckoutSessionCreateRequest'],
  ['mcp cancel', mcp.cancel_checkout_session_request.params.arguments.payload, 'CancelSessionRequest'],
];

// Official examples that are themselves invalid against the release's JSON Schema. The schema rules, so we reject
// them too; each is asserted invalid (by ajv and by zod) and otherwise skipped, with the reason.
const invalidUpstream: [string, unknown, RequestDef, string][] = [
  [
    'mcp update',
    mcp.update_checkout_session_request.params.arguments.payload,
    'CheckoutSessionUpdateRequest',
    // selected_fulfillment_options[0] nests {option_id, item_ids} under `shipping` (an older shape); the schema's
    // SelectedFulfillmentOption is {type, option_id, item_ids} with additionalProperties false.
    'selected_fulfillment_options[0] uses a nested `shipping` object',
  ],
  [
    'mcp complete',
    mcp.complete_checkout_session_request.params.arguments.payload,
    'CheckoutSessionCompleteRequest',
    // payment_data.instrument is {token}; the schema requires instrument.type and instrument.credential {type, token}.
    'payment_data.instrument lacks type and credential',
  ],
  [
    'multi-item create',
    multi.create_multi_item_checkout_request,
    'CheckoutSessionCreateRequest',
    // Written before `capabilities` became required on create.
    'no `capabilities` (required since 2026-04-17)',
  ],
];

describe('official ACP request examples', () => {
  it('cover every request example of the vendored release', () => {
    const listed = new Set([...valid, ...invalidUpstream].map(([, v]) => v));
    const all = [
      ...Object.entries(rest).filter(([k]) => k.includes('_request')),
      ...Object.entries(mcp)
        .filter(([, v]) => v.params?.arguments?.payload !== undefined)
        .map(([k, v]) => [k, v.params.arguments.payload]),
      ...Object.entries(multi).filter(([k]) => k.includes('_request')),
    ];
    expect(all.filter(([, v]) => !listed.has(v)).map(([k]) => k)).toEqual([]);
    expect(all.length).toBe(valid.length + invalidUpstream.length);
  });

  it.each(valid)('%s parses with our zod schema and validates with ajv against the JSON Schema', (_, value, def) => {
    expect(validateAcp(def, value)).toEqual([]);
    const parsed = requestSchemas[def].safeParse(value);
    expect(parsed.error?.issues ?? []).toEqual([]);
    // Nothing is dropped or added on the way in.
    expect(parsed.data).toEqual(value);
  });

  it.each(invalidUpstream)('%s is invalid upstream: ajv and zod both reject it (%s)', (_, value, def) => {
    expect(validateAcp(def, value)).not.toEqual([]);
    expect(requestSchemas[def].safeParse(value).success).toBe(false);
  });

  it('rejects what the schema rejects, pointing at the field', () => {
    const create = rest.create_checkout_session_request;
    // 2026-04-17's Item has no quantity (the RFC prose's `items[].quantity` is the 2026-01-16 shape).
    const withQuantity = { ...create, line_items: [{ id: 'item_123', quantity: 2 }] };
    expect(validateAcp('CheckoutSessionCreateRequest', withQuantity)).not.toEqual([]);
    const r = acp.CheckoutSessionCreateRequest.safeParse(withQuantity);
    expect(acpValidationError(r.error!).body).toMatchObject({
      type: 'invalid_request',
      code: 'invalid',
      param: '$.line_items[0].quantity',
    });
    const noItems = { ...create, line_items: [] };
    expect(validateAcp('CheckoutSessionCreateRequest', noItems)).not.toEqual([]);
    expect(acpValidationError(acp.CheckoutSessionCreateRequest.safeParse(noItems).error!).body.param).toBe(
      '$.line_items',
    );
    const longNotes = { ...create, order_notes: 'x'.repeat(5001) };
    expect(validateAcp('CheckoutSessionCreateRequest', longNotes)).not.toEqual([]);
    expect(acp.CheckoutSessionCreateRequest.safeParse(longNotes).success).toBe(false);
    // null is not "clear" in the schema: no field is nullable.
    const nulled = { fulfillment_details: null };
    expect(validateAcp('CheckoutSessionUpdateRequest', nulled)).not.toEqual([]);
    expect(acp.CheckoutSessionUpdateRequest.safeParse(nulled).success).toBe(false);
    // 3DS results that claim success must carry their details.
    const auth = { outcome: 'authenticated' };
    expect(validateAcp('AuthenticationResult', auth)).not.toEqual([]);
    expect(acp.AuthenticationResult.safeParse(auth).success).toBe(false);
    expect(acp.AuthenticationResult.safeParse({ outcome: 'denied' }).success).toBe(true);
    // An open object (IntentTrace) keeps fields it does not know.
    const trace = { intent_trace: { reason_code: 'other', extra: 1 } };
    expect(validateAcp('CancelSessionRequest', trace)).toEqual([]);
    expect(acp.CancelSessionRequest.parse(trace)).toEqual(trace);
  });
});

describe('zod schemas mirror the JSON Schema', () => {
  // The strict objects: same property names, same required ones, additionalProperties false.
  const mirrored: Record<string, z.ZodObject> = {
    Address: acp.Address,
    FulfillmentDetails: acp.FulfillmentDetails,
    CompanyInfo: acp.CompanyInfo,
    LoyaltyInfo: acp.LoyaltyInfo,
    TaxExemption: acp.TaxExemption,
    Buyer: acp.Buyer,
    InterventionCapabilities: acp.InterventionCapabilities,
    Capabilities: acp.Capabilities,
    PaymentHandler: acp.PaymentHandler,
    Payment: acp.Payment,
    ExtensionDeclaration: acp.ExtensionDeclaration,
    Item: acp.Item,
    FulfillmentGroup: acp.FulfillmentGroup,
    AffiliateAttributionSource: acp.AffiliateAttributionSource,
    AffiliateAttribution: acp.AffiliateAttribution,
    DiscountsRequest: acp.DiscountsRequest,
    SelectedFulfillmentOption: acp.SelectedFulfillmentOption,
    PaymentData: acp.PaymentData,
    AuthenticationResult: acp.AuthenticationResult,
    RiskSignals: acp.RiskSignals,
    MarketingConsent: acp.MarketingConsent,
    IntentTrace: acp.IntentTrace,
    CheckoutSessionCreateRequest: acp.CheckoutSessionCreateRequest,
    CheckoutSessionUpdateRequest: acp.CheckoutSessionUpdateRequest,
    CheckoutSessionCompleteRequest: acp.CheckoutSessionCompleteRequest,
    CancelSessionRequest: acp.CancelSessionRequest,
    ProtocolVersion: acp.ProtocolVersion,
    TaxBreakdownItem: acp.TaxBreakdownItem,
    Total: acp.Total,
    Disclosure: acp.Disclosure,
    CustomAttribute: acp.CustomAttribute,
    MarketplaceSellerDetails: acp.MarketplaceSellerDetails,
    VariantOption: acp.VariantOption,
    WeightInfo: acp.WeightInfo,
    DimensionsInfo: acp.DimensionsInfo,
    DiscountDetail: acp.DiscountDetail,
    LineItem: acp.LineItem,
    FulfillmentOptionShipping: acp.FulfillmentOptionShipping,
    FulfillmentOptionDigital: acp.FulfillmentOptionDigital,
    FulfillmentOptionPickup: acp.FulfillmentOptionPickup,
    FulfillmentOptionLocalDelivery: acp.FulfillmentOptionLocalDelivery,
    MessageInfo: acp.MessageInfo,
    MessageWarning: acp.MessageWarning,
    MessageError: acp.MessageError,
    Link: acp.Link,
    AuthenticationMetadata: acp.AuthenticationMetadata,
    Coupon: acp.Coupon,
    DiscountAllocation: acp.DiscountAllocation,
    AppliedDiscount: acp.AppliedDiscount,
    RejectedDiscount: acp.RejectedDiscount,
    DiscountsResponse: acp.DiscountsResponse,
    MarketingConsentOption: acp.MarketingConsentOption,
    EstimatedDelivery: acp.EstimatedDelivery,
    OrderConfirmation: acp.OrderConfirmation,
    SupportInfo: acp.SupportInfo,
    OrderLineItemQuantity: acp.OrderLineItemQuantity,
    OrderLineItem: acp.OrderLineItem,
    LineItemReference: acp.LineItemReference,
    FulfillmentEvent: acp.FulfillmentEvent,
    Fulfillment: acp.Fulfillment,
    Adjustment: acp.Adjustment,
    Order: acp.Order,
    CheckoutSessionBase: acp.CheckoutSession,
    Error: acp.AcpErrorBody,
  };

  it.each(Object.keys(mirrored))('%s', (name) => {
    const def = acpJsonSchema.$defs[name] as {
      properties: Record<string, unknown>;
      required?: string[];
      additionalProperties?: unknown;
    };
    const shape = mirrored[name].shape as Record<string, z.ZodType>;
    expect(Object.keys(shape).sort()).toEqual(Object.keys(def.properties).sort());
    const required = Object.keys(shape).filter((k) => !shape[k].safeParse(undefined).success);
    expect(required.sort()).toEqual([...(def.required ?? [])].sort());
    // Strict exactly where the schema is closed.
    const strict = mirrored[name]._zod.def.catchall?._zod.def.type === 'never';
    expect(strict).toBe(def.additionalProperties === false);
  });
});

describe('official ACP response examples', () => {
  it.each([
    'create_checkout_session_response',
    'update_checkout_session_response',
    'get_checkout_session_response',
    'cancel_checkout_session_response',
    'checkout_session_authentication_required',
    'checkout_session_with_out_of_stock',
    'checkout_session_with_payment_declined',
  ])('rest %s parses as our CheckoutSession', (key) => {
    expect(validateAcp('CheckoutSession', rest[key])).toEqual([]);
    expect(acp.CheckoutSession.parse(rest[key])).toEqual(rest[key]);
  });

  it('rest complete response parses as CheckoutSessionWithOrder', () => {
    expect(validateAcp('CheckoutSessionWithOrder', rest.complete_checkout_session_response)).toEqual([]);
    expect(acp.CheckoutSessionWithOrder.parse(rest.complete_checkout_session_response)).toEqual(
      rest.complete_checkout_session_response,
    );
  });

  it.each(Object.keys(rest).filter((k) => k.startsWith('error_')))('rest %s parses as our error body', (key) => {
    expect(validateAcp('Error', rest[key])).toEqual([]);
    expect(acp.AcpErrorBody.parse(rest[key])).toEqual(rest[key]);
  });
});

describe('responses built from our types', () => {
  const handlers = acpPaymentHandlers({ environment: 'test', stripeAccountId: 'acct_123' });
  const totals = (base: number, tax: number, shipping: number): acp.Total[] => [
    { type: 'items_base_amount', display_text: 'Item(s) total', amount: base },
    { type: 'subtotal', display_text: 'Subtotal', amount: base },
    { type: 'tax', display_text: 'Tax', amount: tax },
    { type: 'fulfillment', display_text: 'Shipping', amount: shipping },
    { type: 'total', display_text: 'Total', amount: base + tax + shipping },
  ];
  const shipping: acp.FulfillmentOptionShipping = {
    type: 'shipping',
    id: 'ship_standard',
    title: 'Standard',
    carrier: 'DHL',
    earliest_delivery_time: '2026-05-01T00:00:00Z',
    latest_delivery_time: '2026-05-05T00:00:00Z',
    totals: [{ type: 'total', display_text: 'Shipping', amount: 900 }],
  };
  const digital: acp.FulfillmentOptionDigital = {
    type: 'digital',
    id: 'digital',
    title: 'Download',
    totals: [{ type: 'total', display_text: 'Delivery', amount: 0 }],
  };
  const line: acp.LineItem = {
    id: 'li_1',
    item: { id: 'print_42' },
    quantity: 1,
    name: 'Fine art print 30×40',
    images: ['https://gallerist.example/img/42.jpg'],
    unit_amount: 4500,
    totals: [
      { type: 'items_base_amount', display_text: 'Base', amount: 4500 },
      { type: 'total', display_text: 'Total', amount: 4500 },
    ],
  };
  const session: acp.CheckoutSession = {
    id: 'cs_123',
    protocol: { version: '2026-04-17' },
    capabilities: { payment: { handlers }, interventions: { supported: ['3ds'], enforcement: 'conditional' } },
    status: 'ready_for_payment',
    currency: 'eur',
    line_items: [line],
    fulfillment_details: {
      name: 'Ada',
      email: 'ada@example.com',
      address: { name: 'Ada', line_one: '1 Rue', city: 'Paris', state: 'IDF', country: 'FR', postal_code: '75001' },
    },
    fulfillment_options: [shipping, digital],
    selected_fulfillment_options: [{ type: 'shipping', option_id: 'ship_standard', item_ids: ['print_42'] }],
    totals: totals(4500, 900, 900),
    messages: [
      { type: 'info', content_type: 'plain', content: 'Printed to order.' },
      { type: 'warning', code: 'shipping_delay', content_type: 'markdown', content: '**Holiday** delays' },
      { type: 'error', code: 'out_of_stock', param: '$.line_items[0]', content_type: 'plain', content: 'Sold out' },
    ],
    links: [{ type: 'terms_of_use', url: 'https://gallerist.example/terms' }],
    created_at: '2026-04-20T10:00:00.000Z',
  };

  it('a session validates against $defs/CheckoutSession', () => {
    expect(validateAcp('CheckoutSession', session)).toEqual([]);
    expect(acp.CheckoutSession.parse(session)).toEqual(session);
  });

  it('a completed session with its order validates against $defs/CheckoutSessionWithOrder', () => {
    const order: acp.Order = {
      id: 'ord_1',
      checkout_session_id: 'cs_123',
      permalink_url: 'https://gallerist.example/orders/ord_1',
    };
    const completed: acp.CheckoutSessionWithOrder = { ...session, status: 'completed', order };
    expect(validateAcp('CheckoutSessionWithOrder', completed)).toEqual([]);
    expect(validateAcp('CheckoutSession', { ...session, status: 'canceled', messages: [] })).toEqual([]);
    // The JSON Schema catches what a typo in a builder would send.
    expect(validateAcp('CheckoutSession', { ...session, totals: [{ type: 'total', amount: 1 }] })).not.toEqual([]);
  });

  it('error bodies validate against $defs/Error', () => {
    expect(
      validateAcp('Error', acpError('invalid_request', 'requires_3ds', 'Need 3DS', '$.authentication_result').body),
    ).toEqual([]);
    const version = acpError('invalid_request', 'unsupported_api_version', 'Nope', undefined, 400, {
      supported_versions: ['2026-04-17'],
    });
    expect(validateAcp('Error', version.body)).toEqual([]);
    expect(validateAcp('Error', acpError('processing_error', 'internal_error', 'Oops').body)).toEqual([]);
  });
});
