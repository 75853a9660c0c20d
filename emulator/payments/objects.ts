import type { TestCard } from '../core/cards.ts';
import { stripeFee } from '../core/cards.ts';
import { base62, newId } from '../core/ids.ts';
import { fullAddress } from '../core/params.ts';
import type { EmulatorState, Obj } from '../core/state.ts';
import { nowSec } from '../core/state.ts';

/** Card details as entered on a form or implied by a test token. */
export interface CardInput {
  card: TestCard;
  exp_month: number;
  exp_year: number;
  billing: { name?: string | null; email?: string | null; address?: Obj | null; phone?: string | null };
}

/** A new PaymentIntent object from validated create params. */
export function buildPaymentIntent(state: EmulatorState, p: Obj): Obj {
  const id = newId('pi');
  return {
    id,
    object: 'payment_intent',
    allowed_payment_method_types: p.allowed_payment_method_types ?? null,
    amount: p.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: p.application_fee_amount ?? null,
    automatic_payment_methods: p.automatic_payment_methods ?? null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: p.capture_method ?? 'automatic',
    client_secret: `${id}_secret_${base62(25)}`,
    confirmation_method: p.confirmation_method ?? 'automatic',
    created: nowSec(state),
    currency: p.currency,
    customer: p.customer ?? null,
    customer_account: null,
    description: p.description ?? null,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: p.metadata ?? {},
    next_action: null,
    on_behalf_of: p.on_behalf_of ?? null,
    payment_method: p.payment_method ?? null,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' },
    },
    payment_method_types: p.payment_method_types ?? p.allowed_payment_method_types ?? ['card'],
    processing: null,
    receipt_email: p.receipt_email ?? null,
    review: null,
    setup_future_usage: p.setup_future_usage ?? null,
    shipping: p.shipping ?? null,
    source: null,
    statement_descriptor: p.statement_descriptor ?? null,
    statement_descriptor_suffix: p.statement_descriptor_suffix ?? null,
    status: p.payment_method ? 'requires_confirmation' : 'requires_payment_method',
    transfer_data: p.transfer_data ?? null,
    transfer_group: p.transfer_group ?? null,
  };
}

/** A card PaymentMethod object. */
export function buildPaymentMethod(state: EmulatorState, input: CardInput, customer: string | null): Obj {
  const { card } = input;
  return {
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: {
      address: fullAddress(input.billing.address),
      email: input.billing.email ?? null,
      name: input.billing.name ?? null,
      phone: input.billing.phone ?? null,
      tax_id: null,
    },
    card: {
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: card.country,
      display_brand: card.brand,
      exp_month: input.exp_month,
      exp_year: input.exp_year,
      fingerprint: fingerprint(card.number),
      funding: card.funding,
      generated_from: null,
      last4: card.number.slice(-4),
      networks: { available: [card.brand], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: nowSec(state),
    customer,
    customer_account: null,
    livemode: false,
    metadata: {},
    // Set on PaymentMethods cloned from a Shared Payment Granted Token (see payments/shared-tokens.ts).
    shared_payment_granted_token: null,
    type: 'card',
  };
}

// Stable per card number, like Stripe's fingerprint.
function fingerprint(number: string): string {
  let h = 0;
  for (const ch of number) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `fp${h.toString(36).padStart(14, '0')}`.slice(0, 16);
}

/** A Charge for a PaymentIntent attempt; callers set status/outcome fields. */
export function buildCharge(state: EmulatorState, pi: Obj, pm: Obj): Obj {
  const id = newId('ch');
  const card = pm.card;
  return {
    id,
    object: 'charge',
    amount: pi.amount,
    amount_captured: 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: pi.application_fee_amount,
    balance_transaction: null,
    billing_details: pm.billing_details,
    calculated_statement_descriptor: (pi.statement_descriptor ?? 'GALLERIST TEST').slice(0, 22),
    captured: false,
    created: nowSec(state),
    currency: pi.currency,
    customer: pi.customer,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: { ...pi.metadata },
    on_behalf_of: pi.on_behalf_of,
    outcome: null,
    paid: false,
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details: {
      card: {
        amount_authorized: pi.amount,
        authorization_code: String(100000 + Math.floor(Math.random() * 899999)),
        brand: card.brand,
        checks: card.checks,
        country: card.country,
        exp_month: card.exp_month,
        exp_year: card.exp_year,
        extended_authorization: { status: 'disabled' },
        fingerprint: card.fingerprint,
        funding: card.funding,
        incremental_authorization: { status: 'unavailable' },
        installments: null,
        last4: card.last4,
        mandate: null,
        multicapture: { status: 'unavailable' },
        network: card.brand,
        network_token: { used: false },
        network_transaction_id: base62(15),
        overcapture: { maximum_amount_capturable: pi.amount, status: 'unavailable' },
        regulated_status: 'unregulated',
        three_d_secure: null,
        wallet: null,
      },
      type: 'card',
    },
    radar_options: {},
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: `${state.publicUrl}/receipts/payment/${id}`,
    refunded: false,
    refunds: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/charges/${id}/refunds` },
    review: null,
    shipping: pi.shipping,
    source: null,
    source_transfer: null,
    statement_descriptor: pi.statement_descriptor,
    statement_descriptor_suffix: pi.statement_descriptor_suffix,
    status: 'pending',
    transfer: null,
    transfer_data: pi.transfer_data,
    transfer_group: pi.transfer_group,
  };
}

/** Balance transaction for a captured charge (fee included) or a refund (negative, no fee). */
export function buildBalanceTransaction(
  state: EmulatorState,
  kind: 'charge' | 'refund',
  source: string,
  amount: number,
  currency: string,
  description: string | null,
): Obj {
  const created = nowSec(state);
  const fee = kind === 'charge' ? stripeFee(amount, currency) : 0;
  return {
    id: newId('txn'),
    object: 'balance_transaction',
    amount,
    available_on: kind === 'charge' ? created + 2 * 86400 : created,
    balance_type: 'payments',
    created,
    currency,
    description,
    exchange_rate: null,
    fee,
    fee_details: fee
      ? [{ amount: fee, application: null, currency, description: 'Stripe processing fees', type: 'stripe_fee' }]
      : [],
    net: amount - fee,
    reporting_category: kind,
    source,
    status: kind === 'charge' ? 'pending' : 'available',
    type: kind,
  };
}
