import { z } from '@hono/zod-openapi';
import canonicalize from 'canonicalize';

/*
 * The Agentic Commerce Protocol (ACP) 2026-04-17 data model as zod, mirroring the vendored JSON Schema
 * (spec/json-schema/schema.agentic_checkout.json). Where the RFC prose (written for 2026-01-16: `items` with
 * `quantity`, flat amounts) and the schema disagree, the schema rules: `line_items` of `Item` ({id, name?,
 * unit_amount?}, no quantity), `totals[]`, and `additionalProperties: false` as `z.strictObject` (an object the
 * schema leaves open stays `z.looseObject`). Every field the schema allows parses, whether or not we act on it.
 * The schema has no `nullable` anywhere, so `null` is rejected even where the RFC says it means "clear".
 *
 * Request schemas (what agents send) come first, then the response side the checkout logic builds. Component
 * names are not registered with `.openapi()`: the routes decide how (and under which prefix) to document them.
 * `schema.test.ts` checks the official examples and built responses against the JSON Schema with ajv.
 */

// ----- formats ------------------------------------------------------------------------------------------------

/** JSON Schema `format: email` (ajv-formats uses the WHATWG/HTML5 rule, so we do too). */
const email = () => z.string().regex(z.regexes.html5Email, 'Invalid email address');
/** JSON Schema `format: uri`: an absolute URI with a scheme. */
const uri = () => z.url();
/** JSON Schema `format: date-time`: RFC 3339 with a time zone. */
const dateTime = () => z.iso.datetime({ offset: true });
const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const currencyCode = /^[a-z]{3}$/;
const int = () => z.number().int();

/** `uniqueItems: true` (JSON equality, as JSON Schema defines it). */
function unique<T extends z.ZodArray<z.ZodType>>(schema: T) {
  return schema.refine((xs) => new Set(xs.map((x) => canonicalize(x))).size === xs.length, {
    message: 'Items must be unique',
  });
}

const AttributionValue = z.union([z.string(), z.number(), z.boolean()]);

// ----- request side -------------------------------------------------------------------------------------------

export const Address = z.strictObject({
  name: z.string(),
  line_one: z.string(),
  line_two: z.string().optional(),
  city: z.string(),
  state: z.string(),
  country: z.string(),
  postal_code: z.string(),
  company: z.string().optional(),
});
export type Address = z.infer<typeof Address>;

export const FulfillmentDetails = z.strictObject({
  name: z.string().optional(),
  phone_number: z.string().optional(),
  email: email().optional(),
  address: Address.optional(),
});
export type FulfillmentDetails = z.infer<typeof FulfillmentDetails>;

export const CompanyInfo = z.strictObject({
  name: z.string(),
  tax_id: z.string().optional(),
  department: z.string().optional(),
  cost_center: z.string().optional(),
});

export const LoyaltyInfo = z.strictObject({
  tier: z.string().optional(),
  points_balance: int().optional(),
  member_since: dateTime().optional(),
});

export const TaxExemption = z.strictObject({
  certificate_id: z.string(),
  certificate_type: z.enum(['resale', 'exempt_organization', 'government']),
  exempt_regions: z.array(z.string()).optional(),
  expires_at: dateTime().optional(),
});

export const Buyer = z.strictObject({
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  full_name: z.string().optional(),
  email: email(),
  phone_number: z.string().optional(),
  customer_id: z.string().optional(),
  account_type: z.enum(['guest', 'registered', 'business']).optional(),
  authentication_status: z.enum(['authenticated', 'guest', 'requires_signin']).optional(),
  company: CompanyInfo.optional(),
  loyalty: LoyaltyInfo.optional(),
  tax_exemption: TaxExemption.optional(),
});
export type Buyer = z.infer<typeof Buyer>;

export const InterventionCapabilities = z.strictObject({
  supported: z.array(z.enum(['3ds', 'biometric', 'address_verification'])).optional(),
  required: z.array(z.enum(['3ds', 'biometric'])).optional(),
  enforcement: z.enum(['always', 'conditional', 'optional']).optional(),
  display_context: z.enum(['native', 'webview', 'modal', 'redirect']).optional(),
  redirect_context: z.enum(['in_app', 'external_browser', 'none']).optional(),
  max_redirects: int().min(0).optional(),
  max_interaction_depth: int().min(1).optional(),
});

export const PaymentHandler = z.strictObject({
  id: z.string(),
  /** Reverse-DNS handler name, e.g. `dev.acp.tokenized.card`. */
  name: z.string(),
  display_name: z.string().optional(),
  version: z.string().regex(isoDate),
  spec: uri(),
  requires_delegate_payment: z.boolean(),
  requires_pci_compliance: z.boolean(),
  psp: z.string(),
  config_schema: uri(),
  instrument_schemas: z.array(uri()),
  config: z.record(z.string(), z.unknown()),
  display_order: int().optional(),
});
export type PaymentHandler = z.infer<typeof PaymentHandler>;

export const Payment = z.strictObject({ handlers: z.array(PaymentHandler) });

export const ExtensionDeclaration = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_-]*(@\d{4}-\d{2}-\d{2})?$|^[a-z][a-z0-9]*(?:\.[a-z][a-z0-9_-]*)+(@\d{4}-\d{2}-\d{2})?$/),
  extends: unique(z.array(z.string().regex(/^\$\.[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9_]*)*$/))).optional(),
  schema: uri().optional(),
  spec: uri().optional(),
});

export const Capabilities = z.strictObject({
  payment: Payment.optional(),
  interventions: InterventionCapabilities.optional(),
  extensions: z.union([unique(z.array(z.string())), unique(z.array(ExtensionDeclaration))]).optional(),
});
export type Capabilities = z.infer<typeof Capabilities>;

/** What an agent asks for: an item id (2026-04-17 has no quantity on `Item`). */
export const Item = z.strictObject({
  id: z.string(),
  name: z.string().optional(),
  unit_amount: int().optional(),
});
export type Item = z.infer<typeof Item>;

export const FulfillmentGroup = z.strictObject({
  id: z.string(),
  item_ids: z.array(z.string()),
  destination_type: z.enum(['shipping', 'pickup', 'local_delivery', 'digital']),
  fulfillment_details: FulfillmentDetails.optional(),
  location_id: z.string().optional(),
  instructions: z.string().optional(),
});
export type FulfillmentGroup = z.infer<typeof FulfillmentGroup>;

export const AffiliateAttributionSource = z.strictObject({
  type: z.enum(['url', 'platform', 'unknown']),
  url: uri().optional(),
});

/** Open object in the schema (no `additionalProperties: false`); needs `token` or `publisher_id`. */
export const AffiliateAttribution = z
  .looseObject({
    provider: z.string(),
    token: z.string().optional(),
    publisher_id: z.string().optional(),
    campaign_id: z.string().optional(),
    creative_id: z.string().optional(),
    sub_id: z.string().optional(),
    source: AffiliateAttributionSource.optional(),
    issued_at: dateTime().optional(),
    expires_at: dateTime().optional(),
    metadata: z.record(z.string(), AttributionValue).optional(),
    touchpoint: z.enum(['first', 'last']).optional(),
  })
  .refine((a) => a.token !== undefined || a.publisher_id !== undefined, {
    message: 'Either token or publisher_id is required',
    path: ['token'],
  });

export const DiscountsRequest = z.strictObject({ codes: z.array(z.string()).optional() });
export type DiscountsRequest = z.infer<typeof DiscountsRequest>;

export const SelectedFulfillmentOption = z.strictObject({
  type: z.enum(['shipping', 'digital', 'pickup', 'local_delivery']),
  option_id: z.string(),
  item_ids: z.array(z.string()),
});
export type SelectedFulfillmentOption = z.infer<typeof SelectedFulfillmentOption>;

/** The delegated credential (e.g. a Stripe shared payment token `spt_…`); open objects in the schema. */
export const PaymentCredential = z.looseObject({ type: z.string(), token: z.string() });
export const PaymentInstrument = z.looseObject({ type: z.string(), credential: PaymentCredential });

/** Either a handler and an instrument, or a purchase order number (B2B). */
export const PaymentData = z
  .strictObject({
    handler_id: z.string().optional(),
    instrument: PaymentInstrument.optional(),
    billing_address: Address.optional(),
    purchase_order_number: z.string().optional(),
    payment_terms: z.enum(['immediate', 'net_15', 'net_30', 'net_60', 'net_90']).optional(),
    due_date: dateTime().optional(),
    approval_required: z.boolean().optional(),
  })
  .superRefine((p, ctx) => {
    if (p.purchase_order_number !== undefined) return;
    for (const key of ['handler_id', 'instrument'] as const) {
      if (p[key] === undefined) ctx.addIssue({ code: 'custom', message: `${key} is required`, path: [key] });
    }
  });
export type PaymentData = z.infer<typeof PaymentData>;

const AuthenticationOutcome = z.enum([
  'abandoned',
  'attempt_acknowledged',
  'authenticated',
  'canceled',
  'denied',
  'informational',
  'internal_error',
  'not_supported',
  'processing_error',
  'rejected',
]);
const outcomesWithDetails = new Set(['authenticated', 'informational', 'attempt_acknowledged']);

export const AuthenticationResult = z
  .strictObject({
    outcome: AuthenticationOutcome,
    outcome_details: z
      .strictObject({
        three_ds_cryptogram: z.string(),
        electronic_commerce_indicator: z.enum(['01', '02', '05', '06', '07']),
        transaction_id: z.string(),
        version: z.string(),
      })
      .optional(),
  })
  .refine((r) => !outcomesWithDetails.has(r.outcome) || r.outcome_details !== undefined, {
    message: 'outcome_details is required for this outcome',
    path: ['outcome_details'],
  });
export type AuthenticationResult = z.infer<typeof AuthenticationResult>;

export const RiskSignals = z.strictObject({
  ip_address: z.string().optional(),
  user_agent: z.string().optional(),
  accept_language: z.string().optional(),
  session_id: z.string().optional(),
  device_fingerprint: z.string().optional(),
});

export const MarketingConsent = z.strictObject({ channel: z.string(), opted_in: z.boolean() });

/** Open object in the schema. */
export const IntentTrace = z.looseObject({
  reason_code: z.enum([
    'price_sensitivity',
    'shipping_cost',
    'shipping_speed',
    'product_fit',
    'trust_security',
    'returns_policy',
    'payment_options',
    'comparison',
    'timing_deferred',
    'other',
  ]),
  trace_summary: z.string().max(500).optional(),
  metadata: z.record(z.string(), AttributionValue).optional(),
});

const orderNotes = () => z.string().max(5000).optional();

/** `POST /checkout_sessions`. */
export const CheckoutSessionCreateRequest = z.strictObject({
  buyer: Buyer.optional(),
  line_items: z.array(Item).min(1),
  currency: z.string(),
  fulfillment_details: FulfillmentDetails.optional(),
  capabilities: Capabilities,
  fulfillment_groups: z.array(FulfillmentGroup).optional(),
  affiliate_attribution: AffiliateAttribution.optional(),
  coupons: z.array(z.string()).optional(),
  discounts: DiscountsRequest.optional(),
  locale: z.string().optional(),
  timezone: z.string().optional(),
  quote_id: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  order_notes: orderNotes(),
});
export type CheckoutSessionCreateRequest = z.infer<typeof CheckoutSessionCreateRequest>;

/** `POST /checkout_sessions/{id}`: every field optional; absent means "leave as is". */
export const CheckoutSessionUpdateRequest = z.strictObject({
  buyer: Buyer.optional(),
  line_items: z.array(Item).optional(),
  fulfillment_details: FulfillmentDetails.optional(),
  fulfillment_groups: z.array(FulfillmentGroup).optional(),
  selected_fulfillment_options: z.array(SelectedFulfillmentOption).optional(),
  coupons: z.array(z.string()).optional(),
  discounts: DiscountsRequest.optional(),
  order_notes: orderNotes(),
});
export type CheckoutSessionUpdateRequest = z.infer<typeof CheckoutSessionUpdateRequest>;

/** `POST /checkout_sessions/{id}/complete`. */
export const CheckoutSessionCompleteRequest = z.strictObject({
  buyer: Buyer.optional(),
  payment_data: PaymentData,
  authentication_result: AuthenticationResult.optional(),
  affiliate_attribution: AffiliateAttribution.optional(),
  risk_signals: RiskSignals.optional(),
  marketing_consents: z.array(MarketingConsent).optional(),
  order_notes: orderNotes(),
});
export type CheckoutSessionCompleteRequest = z.infer<typeof CheckoutSessionCompleteRequest>;

/** `POST /checkout_sessions/{id}/cancel` (open object in the schema; the body itself may be empty). */
export const CancelSessionRequest = z.looseObject({ intent_trace: IntentTrace.optional() });
export type CancelSessionRequest = z.infer<typeof CancelSessionRequest>;

// ----- response side ------------------------------------------------------------------------------------------

export const ProtocolVersion = z.strictObject({ version: z.string().regex(isoDate) });

export const TOTAL_TYPES = [
  'items_base_amount',
  'items_discount',
  'subtotal',
  'discount',
  'fulfillment',
  'tax',
  'fee',
  'gift_wrap',
  'tip',
  'store_credit',
  'total',
  'amount_refunded',
] as const;
export type TotalType = (typeof TOTAL_TYPES)[number];

export const TaxBreakdownItem = z.strictObject({ jurisdiction: z.string(), rate: z.number(), amount: int() });

/** One line of a totals list; amounts are integer minor units. */
export const Total = z.strictObject({
  type: z.enum(TOTAL_TYPES),
  display_text: z.string(),
  amount: int(),
  presentment_amount: int().optional(),
  description: z.string().optional(),
  breakdown: z.array(TaxBreakdownItem).optional(),
});
export type Total = z.infer<typeof Total>;

const contentType = z.enum(['plain', 'markdown']);

export const Disclosure = z.strictObject({
  type: z.enum(['disclaimer']),
  content_type: contentType,
  content: z.string(),
});
export const CustomAttribute = z.strictObject({ display_name: z.string(), value: z.string() });
export const MarketplaceSellerDetails = z.strictObject({ name: z.string() });
export const VariantOption = z.strictObject({ name: z.string(), value: z.string() });
export const WeightInfo = z.strictObject({ value: z.number(), unit: z.enum(['g', 'kg', 'oz', 'lb']) });
export const DimensionsInfo = z.strictObject({
  length: z.number(),
  width: z.number(),
  height: z.number(),
  unit: z.enum(['cm', 'in']),
});
export const DiscountDetail = z.strictObject({
  code: z.string().optional(),
  type: z.enum(['percentage', 'fixed', 'bogo', 'volume']),
  amount: int(),
  description: z.string().optional(),
  source: z.enum(['coupon', 'automatic', 'loyalty']).optional(),
});

export const LineItem = z.strictObject({
  id: z.string(),
  item: Item,
  quantity: int().min(1),
  name: z.string().optional(),
  description: z.string().optional(),
  images: z.array(uri()).optional(),
  unit_amount: int().optional(),
  disclosures: z.array(Disclosure).optional(),
  custom_attributes: z.array(CustomAttribute).optional(),
  marketplace_seller_details: MarketplaceSellerDetails.optional(),
  product_id: z.string().optional(),
  sku: z.string().optional(),
  variant_id: z.string().optional(),
  category: z.string().optional(),
  tags: z.array(z.string()).optional(),
  weight: WeightInfo.optional(),
  dimensions: DimensionsInfo.optional(),
  availability_status: z.enum(['in_stock', 'low_stock', 'out_of_stock', 'backorder', 'pre_order']).optional(),
  available_quantity: int().min(0).optional(),
  max_quantity_per_order: int().min(1).optional(),
  fulfillable_on: dateTime().optional(),
  variant_options: z.array(VariantOption).optional(),
  discount_details: z.array(DiscountDetail).optional(),
  tax_exempt: z.boolean().optional(),
  tax_exemption_reason: z.string().optional(),
  parent_id: z.string().optional(),
  totals: z.array(Total),
});
export type LineItem = z.infer<typeof LineItem>;

export const FulfillmentOptionShipping = z.strictObject({
  type: z.literal('shipping'),
  id: z.string(),
  title: z.string(),
  description: z.string().optional(),
  carrier: z.string().optional(),
  earliest_delivery_time: dateTime().optional(),
  latest_delivery_time: dateTime().optional(),
  totals: z.array(Total),
});
export type FulfillmentOptionShipping = z.infer<typeof FulfillmentOptionShipping>;

export const FulfillmentOptionDigital = z.strictObject({
  type: z.literal('digital'),
  id: z.string(),
  title: z.string(),
  description: z.string().optional(),
  totals: z.array(Total),
});
export type FulfillmentOptionDigital = z.infer<typeof FulfillmentOptionDigital>;

export const FulfillmentOptionPickup = z.strictObject({
  type: z.literal('pickup'),
  id: z.string(),
  title: z.string(),
  description: z.string().optional(),
  location: z.looseObject({
    name: z.string(),
    address: Address,
    phone: z.string().optional(),
    instructions: z.string().optional(),
  }),
  pickup_type: z.enum(['in_store', 'curbside', 'locker']).optional(),
  ready_by: dateTime().optional(),
  pickup_by: dateTime().optional(),
  totals: z.array(Total),
});
export type FulfillmentOptionPickup = z.infer<typeof FulfillmentOptionPickup>;

export const FulfillmentOptionLocalDelivery = z.strictObject({
  type: z.literal('local_delivery'),
  id: z.string(),
  title: z.string(),
  description: z.string().optional(),
  delivery_window: z.looseObject({ start: dateTime(), end: dateTime() }).optional(),
  service_area: z
    .looseObject({ radius_miles: z.number().optional(), center_postal_code: z.string().optional() })
    .optional(),
  totals: z.array(Total),
});
export type FulfillmentOptionLocalDelivery = z.infer<typeof FulfillmentOptionLocalDelivery>;

export const FulfillmentOption = z.discriminatedUnion('type', [
  FulfillmentOptionShipping,
  FulfillmentOptionDigital,
  FulfillmentOptionPickup,
  FulfillmentOptionLocalDelivery,
]);
export type FulfillmentOption = z.infer<typeof FulfillmentOption>;

const severity = z.enum(['info', 'low', 'medium', 'high', 'critical']).optional();
const resolution = z.enum(['recoverable', 'requires_buyer_input', 'requires_buyer_review']).optional();

export const MessageInfo = z.strictObject({
  type: z.literal('info'),
  severity,
  resolution,
  /** RFC 9535 JSONPath of what the message is about, e.g. `$.line_items[0]`. */
  param: z.string().optional(),
  content_type: contentType,
  content: z.string(),
});
export type MessageInfo = z.infer<typeof MessageInfo>;

export const MESSAGE_WARNING_CODES = [
  'low_stock',
  'high_demand',
  'shipping_delay',
  'price_change',
  'expiring_promotion',
  'limited_availability',
  'discount_code_expired',
  'discount_code_invalid',
  'discount_code_already_applied',
  'discount_code_combination_disallowed',
  'discount_code_minimum_not_met',
  'discount_code_user_not_logged_in',
  'discount_code_user_ineligible',
  'discount_code_usage_limit_reached',
] as const;

export const MessageWarning = z.strictObject({
  type: z.literal('warning'),
  code: z.enum(MESSAGE_WARNING_CODES),
  severity,
  resolution,
  param: z.string().optional(),
  content_type: contentType,
  content: z.string(),
});
export type MessageWarning = z.infer<typeof MessageWarning>;

export const MESSAGE_ERROR_CODES = [
  'missing',
  'invalid',
  'out_of_stock',
  'payment_declined',
  'requires_sign_in',
  'requires_3ds',
  'low_stock',
  'quantity_exceeded',
  'coupon_invalid',
  'coupon_expired',
  'minimum_not_met',
  'maximum_exceeded',
  'region_restricted',
  'age_verification_required',
  'approval_required',
  'unsupported',
  'not_found',
  'conflict',
  'rate_limited',
  'expired',
  'intervention_required',
] as const;

export const MessageError = z.strictObject({
  type: z.literal('error'),
  code: z.enum(MESSAGE_ERROR_CODES),
  severity,
  resolution,
  param: z.string().optional(),
  content_type: contentType,
  content: z.string(),
});
export type MessageError = z.infer<typeof MessageError>;

export const Message = z.discriminatedUnion('type', [MessageInfo, MessageWarning, MessageError]);
export type Message = z.infer<typeof Message>;

export const Link = z.strictObject({
  type: z.enum([
    'terms_of_use',
    'privacy_policy',
    'return_policy',
    'shipping_policy',
    'contact_us',
    'about_us',
    'faq',
    'support',
  ]),
  title: z.string().optional(),
  url: uri(),
});
export type Link = z.infer<typeof Link>;

/** Open object in the schema (`additionalProperties: true`). */
export const AuthenticationMetadata = z.looseObject({
  acquirer_details: z.strictObject({
    acquirer_bin: z.string().max(11),
    acquirer_country: z.string().length(2),
    acquirer_merchant_id: z.string().max(35),
    merchant_name: z.string().max(40),
    requestor_id: z.string().max(35).optional(),
  }),
  directory_server: z.enum(['american_express', 'mastercard', 'visa']),
  flow_preference: z
    .strictObject({
      type: z.enum(['challenge', 'frictionless']),
      challenge: z.strictObject({ type: z.enum(['mandated', 'preferred']).optional() }).optional(),
      frictionless: z.strictObject({ type: z.enum(['low_risk']).optional() }).optional(),
    })
    .optional(),
});
export type AuthenticationMetadata = z.infer<typeof AuthenticationMetadata>;

export const Coupon = z.strictObject({
  id: z.string(),
  name: z.string(),
  percent_off: z.number().min(0).max(100).optional(),
  amount_off: int().min(0).optional(),
  currency: z.string().regex(currencyCode).optional(),
  duration: z.enum(['once', 'repeating', 'forever']).optional(),
  duration_in_months: int().min(1).optional(),
  max_redemptions: int().min(1).optional(),
  times_redeemed: int().min(0).optional(),
  metadata: z.record(z.string(), z.string()).optional(),
});
export const DiscountAllocation = z.strictObject({ path: z.string(), amount: int().min(0) });
export const AppliedDiscount = z.strictObject({
  id: z.string(),
  code: z.string().optional(),
  coupon: Coupon,
  amount: int().min(0),
  automatic: z.boolean().optional(),
  start: dateTime().optional(),
  end: dateTime().optional(),
  method: z.enum(['each', 'across']).optional(),
  priority: int().min(1).optional(),
  allocations: z.array(DiscountAllocation).optional(),
});
export const DiscountErrorCode = z.enum([
  'discount_code_expired',
  'discount_code_invalid',
  'discount_code_already_applied',
  'discount_code_combination_disallowed',
  'discount_code_minimum_not_met',
  'discount_code_user_not_logged_in',
  'discount_code_user_ineligible',
  'discount_code_usage_limit_reached',
]);
export const RejectedDiscount = z.strictObject({
  code: z.string(),
  reason: DiscountErrorCode,
  message: z.string().optional(),
});
export const DiscountsResponse = z.strictObject({
  codes: z.array(z.string()).optional(),
  applied: z.array(AppliedDiscount).optional(),
  rejected: z.array(RejectedDiscount).optional(),
});
export type DiscountsResponse = z.infer<typeof DiscountsResponse>;

export const MarketingConsentOption = z.strictObject({
  channel: z.string(),
  display_text: z.string(),
  privacy_policy_url: uri(),
  is_subscribed: z.boolean().optional(),
});

export const EstimatedDelivery = z.strictObject({ earliest: dateTime(), latest: dateTime() });
export const OrderConfirmation = z.strictObject({
  confirmation_number: z.string().optional(),
  confirmation_email_sent: z.boolean().optional(),
  receipt_url: uri().optional(),
  invoice_number: z.string().optional(),
  order_notes: z.string().optional(),
});
export const SupportInfo = z.strictObject({
  email: email().optional(),
  phone: z.string().optional(),
  hours: z.string().optional(),
  help_center_url: uri().optional(),
});
export const OrderLineItemQuantity = z.strictObject({
  ordered: int().min(1),
  current: int().min(0),
  fulfilled: int().min(0).optional(),
});
export const OrderLineItem = z.strictObject({
  id: z.string(),
  title: z.string(),
  product_id: z.string().optional(),
  description: z.string().optional(),
  image_url: uri().optional(),
  url: uri().optional(),
  quantity: OrderLineItemQuantity,
  unit_price: int().optional(),
  subtotal: int().optional(),
  totals: z.array(Total).optional(),
  status: z.string().optional(),
});
export const LineItemReference = z.strictObject({ id: z.string(), quantity: int().min(1) });
export const FulfillmentEvent = z.strictObject({
  id: z.string(),
  type: z.string(),
  occurred_at: dateTime(),
  description: z.string().optional(),
  location: z.string().optional(),
});
export const Fulfillment = z.strictObject({
  id: z.string(),
  type: z.enum(['shipping', 'pickup', 'digital']),
  status: z.string().optional(),
  line_items: z.array(LineItemReference).optional(),
  carrier: z.string().optional(),
  tracking_number: z.string().optional(),
  tracking_url: uri().optional(),
  destination: Address.optional(),
  estimated_delivery: EstimatedDelivery.optional(),
  digital_delivery: z
    .looseObject({
      access_url: uri().optional(),
      license_key: z.string().optional(),
      expires_at: dateTime().optional(),
    })
    .optional(),
  description: z.string().optional(),
  events: z.array(FulfillmentEvent).optional(),
});
export const Adjustment = z.strictObject({
  id: z.string(),
  type: z.string(),
  occurred_at: dateTime(),
  status: z.string(),
  line_items: z.array(LineItemReference).optional(),
  amount: int().optional(),
  currency: z.string().regex(currencyCode).optional(),
  reason: z.string().optional(),
  description: z.string().optional(),
});

/** The order a completed session created (`id`, `checkout_session_id`, `permalink_url` required). */
export const Order = z.strictObject({
  type: z.literal('order').optional(),
  id: z.string(),
  checkout_session_id: z.string(),
  order_number: z.string().optional(),
  client_reference_id: z.string().optional(),
  permalink_url: uri(),
  status: z.string().optional(),
  estimated_delivery: EstimatedDelivery.optional(),
  confirmation: OrderConfirmation.optional(),
  support: SupportInfo.optional(),
  line_items: z.array(OrderLineItem).optional(),
  fulfillments: z.array(Fulfillment).optional(),
  adjustments: z.array(Adjustment).optional(),
  totals: z.array(Total).optional(),
});
export type Order = z.infer<typeof Order>;

export const CHECKOUT_SESSION_STATUSES = [
  'incomplete',
  'not_ready_for_payment',
  'requires_escalation',
  'authentication_required',
  'ready_for_payment',
  'pending_approval',
  'complete_in_progress',
  'completed',
  'canceled',
  'in_progress',
  'expired',
] as const;
export type CheckoutSessionStatus = (typeof CHECKOUT_SESSION_STATUSES)[number];

/** The authoritative session state every checkout endpoint returns. */
export const CheckoutSession = z.strictObject({
  id: z.string(),
  protocol: ProtocolVersion.optional(),
  capabilities: Capabilities,
  buyer: Buyer.optional(),
  status: z.enum(CHECKOUT_SESSION_STATUSES),
  currency: z.string(),
  presentment_currency: z.string().optional(),
  exchange_rate: z.number().optional(),
  exchange_rate_timestamp: dateTime().optional(),
  locale: z.string().optional(),
  timezone: z.string().optional(),
  line_items: z.array(LineItem),
  fulfillment_details: FulfillmentDetails.optional(),
  fulfillment_options: z.array(FulfillmentOption),
  selected_fulfillment_options: z.array(SelectedFulfillmentOption).optional(),
  fulfillment_groups: z.array(FulfillmentGroup).optional(),
  totals: z.array(Total),
  messages: z.array(Message),
  links: z.array(Link),
  authentication_metadata: AuthenticationMetadata.optional(),
  created_at: dateTime().optional(),
  updated_at: dateTime().optional(),
  expires_at: dateTime().optional(),
  continue_url: uri().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  quote_id: z.string().optional(),
  quote_expires_at: dateTime().optional(),
  discounts: DiscountsResponse.optional(),
  marketing_consent_options: z.array(MarketingConsentOption).optional(),
  order: Order.optional(),
});
export type CheckoutSession = z.infer<typeof CheckoutSession>;

/** The `complete` response: a session that carries its order. */
export const CheckoutSessionWithOrder = CheckoutSession.extend({ order: Order });
export type CheckoutSessionWithOrder = z.infer<typeof CheckoutSessionWithOrder>;

export const ERROR_TYPES = ['invalid_request', 'processing_error', 'service_unavailable'] as const;
export type AcpErrorType = (typeof ERROR_TYPES)[number];

/** The flat error body (`$defs/Error`). */
export const AcpErrorBody = z.strictObject({
  type: z.enum(ERROR_TYPES),
  code: z.string(),
  message: z.string(),
  /** RFC 9535 JSONPath of the offending request field. */
  param: z.string().optional(),
  supported_versions: z.array(z.string().regex(isoDate)).optional(),
});
export type AcpErrorBody = z.infer<typeof AcpErrorBody>;
