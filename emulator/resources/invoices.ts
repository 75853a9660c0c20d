import type { Hono } from 'hono';
import { api } from '../core/context.ts';
import { emitEvent, registerEventTypes, updateWithEvent } from '../core/events.ts';
import { base62, newId } from '../core/ids.ts';
import { listResponse, paginate } from '../core/list.ts';
import { inRange, int, listParams, oneOf, range, str, validate } from '../core/params.ts';
import type { EmulatorState, Obj, Origin, Rec } from '../core/state.ts';
import { all, find, insert, mustFind, nowSec } from '../core/state.ts';
import { invoicePages } from '../hosted/invoice-page.ts';

registerEventTypes(['invoice.created', 'invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded']);

// Invoice line items for the session's items, priced as the session priced them.
function invoiceLines(invoiceId: string, items: Obj[], now: number): Obj[] {
  return items.map((li) => ({
    id: newId('il'),
    object: 'line_item',
    amount: li.amount_subtotal,
    currency: li.currency,
    description: li.description,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: {},
    parent: {
      invoice_item_details: {
        invoice_item: newId('ii'),
        proration: false,
        proration_details: { credited_items: null },
        subscription: null,
      },
      subscription_item_details: null,
      type: 'invoice_item_details',
    },
    period: { end: now, start: now },
    pretax_credit_amounts: [],
    pricing: {
      price_details: { price: li.price.id, product: li.price.product },
      type: 'price_details',
      unit_amount_decimal: li.price.unit_amount_decimal ?? String(li.price.unit_amount),
    },
    quantity: li.quantity,
    quantity_decimal: null,
    subscription: null,
    subtotal: li.amount_subtotal,
    taxes: [],
  }));
}

// Stripe numbers invoices `{customer.invoice_prefix}-{sequence}` and advances the customer's sequence.
function nextInvoiceNumber(customer: Rec | undefined): string {
  if (!customer) return `${base62(8).toUpperCase()}-0001`;
  const seq: number = customer.obj.next_invoice_sequence ?? 1;
  customer.obj.next_invoice_sequence = seq + 1;
  return `${customer.obj.invoice_prefix}-${String(seq).padStart(4, '0')}`;
}

/** A draft invoice for a completed Checkout Session, from its line items, customer details and `invoice_data`. */
function buildSessionInvoice(state: EmulatorState, rec: Rec): Obj {
  const s = rec.obj;
  const data = s.invoice_creation.invoice_data;
  const now = nowSec(state);
  const id = newId('in');
  const details = s.customer_details ?? {};
  const ship = s.collected_information?.shipping_details ?? null;
  const tax = s.total_details.amount_tax;
  const lines = invoiceLines(id, rec.internal.lineItems ?? [], now);
  return {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: null,
    account_tax_ids: data.account_tax_ids,
    amount_due: s.amount_total,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: s.amount_total,
    amount_shipping: s.total_details.amount_shipping,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: false,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: 'manual',
    collection_method: 'charge_automatically',
    created: now,
    currency: s.currency,
    custom_fields: data.custom_fields,
    customer: s.customer,
    customer_account: null,
    customer_address: details.address ?? null,
    customer_email: details.email ?? null,
    customer_name: details.name ?? null,
    customer_phone: details.phone ?? null,
    customer_shipping: ship
      ? { address: ship.address, carrier: null, name: ship.name, phone: null, tracking_number: null }
      : null,
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: data.description,
    discounts: [],
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: data.footer,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: data.issuer ?? { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: lines, has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: { ...data.metadata },
    next_payment_attempt: null,
    number: null,
    on_behalf_of: rec.internal.paymentIntentData?.on_behalf_of ?? null,
    parent: null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: now,
    period_start: now,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: {
      amount_tax_display: data.rendering_options?.amount_tax_display ?? null,
      pdf: { page_size: 'auto' },
      template: data.rendering_options?.template ?? null,
      template_version: null,
    },
    shipping_cost: s.shipping_cost
      ? {
          amount_subtotal: s.shipping_cost.amount_subtotal,
          amount_tax: s.shipping_cost.amount_tax,
          amount_total: s.shipping_cost.amount_total,
          shipping_rate: s.shipping_cost.shipping_rate,
        }
      : null,
    shipping_details: ship ? { address: ship.address, name: ship.name, phone: null } : null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subscription: null,
    subtotal: s.amount_subtotal,
    subtotal_excluding_tax: s.amount_subtotal,
    test_clock: null,
    total: s.amount_total,
    total_discount_amounts: [],
    total_excluding_tax: s.amount_total - tax,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: now,
  };
}

/**
 * `invoice_creation`: creates the session's invoice and walks it draft → open → paid like Stripe, emitting
 * `invoice.created`, `invoice.finalized`, `invoice.paid` and `invoice.payment_succeeded`.
 */
export function createSessionInvoice(state: EmulatorState, origin: Origin, sessionRec: Rec): Rec {
  const invoice = buildSessionInvoice(state, sessionRec);
  const rec = insert(state, 'invoice', invoice, sessionRec.account, { session: sessionRec.id });
  emitEvent(state, origin, 'invoice.created', rec.obj);
  const customer = find(state, invoice.customer, 'customer', sessionRec.account);
  const now = nowSec(state);
  updateWithEvent(state, origin, rec, 'invoice.finalized', (o) => {
    o.status = 'open';
    o.number = nextInvoiceNumber(customer);
    o.effective_at = now;
    o.status_transitions.finalized_at = now;
    o.hosted_invoice_url = `${state.publicUrl}/invoice/${o.id}`;
    o.invoice_pdf = `${state.publicUrl}/invoice/${o.id}/pdf`;
  });
  updateWithEvent(state, origin, rec, 'invoice.paid', (o) => {
    o.status = 'paid';
    o.amount_paid = o.amount_due;
    o.amount_remaining = 0;
    o.attempt_count = 1;
    o.attempted = true;
    o.ending_balance = 0;
    o.status_transitions.paid_at = now;
  });
  emitEvent(state, origin, 'invoice.payment_succeeded', rec.obj);
  return rec;
}

/** Invoices: retrieve, list (customer, status…), line items; plus the hosted invoice page and its printable copy. */
export const invoices = (app: Hono, state: EmulatorState): void => {
  api(app, 'get', '/v1/invoices/:id/lines', (ctx) => {
    const p = validate(ctx.params, { limit: int(1, 100), starting_after: str, ending_before: str });
    const rec = mustFind(ctx.state, ctx.path.id, 'invoice', ctx.account, 'invoice', 'invoice');
    return paginate(`/v1/invoices/${rec.id}/lines`, rec.obj.lines.data, p);
  });

  api(app, 'get', '/v1/invoices/:id', (ctx) => {
    validate(ctx.params, {});
    return mustFind(ctx.state, ctx.path.id, 'invoice', ctx.account, 'invoice', 'invoice').obj;
  });

  api(app, 'get', '/v1/invoices', (ctx) => {
    const p = validate(ctx.params, {
      ...listParams,
      customer: str,
      customer_account: str,
      status: oneOf('draft', 'open', 'paid', 'uncollectible', 'void'),
      collection_method: oneOf('charge_automatically', 'send_invoice'),
      subscription: str,
      due_date: range,
    });
    const recs = all(ctx.state, 'invoice', ctx.account).filter(
      (r) =>
        (!p.customer || r.obj.customer === p.customer) &&
        (!p.customer_account || r.obj.customer_account === p.customer_account) &&
        (!p.status || r.obj.status === p.status) &&
        (!p.collection_method || r.obj.collection_method === p.collection_method) &&
        (!p.subscription || r.obj.subscription === p.subscription) &&
        (!p.due_date || (r.obj.due_date !== null && inRange(r.obj.due_date, p.due_date))),
    );
    return listResponse('/v1/invoices', recs, p);
  });

  invoicePages(app, state);
};
