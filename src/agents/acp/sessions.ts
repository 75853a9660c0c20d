import { randomBytes } from 'node:crypto';
import type Stripe from 'stripe';
import type { Clock } from '../../clock.ts';
import { findOrder, type Order, payOrderWithSharedToken, type TokenShipping } from '../../commerce/index.ts';
import { withService } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { AppError, isAppError } from '../../errors.ts';
import type { Deps } from '../../http/context.ts';
import { stripeMode } from '../../http/platform-routes.ts';
import type { CommerceHooks } from '../../modules.ts';
import { acpPaymentHandlers, STRIPE_SPT_CARD_HANDLER_ID } from './discovery.ts';
import { acpError } from './http.ts';
import { type AcpMessage, kindOf, type ReservedOrder } from './item-kinds.ts';
import { type AcpOrderFacts, buildAcpOrder, loadAcpOrderFacts } from './order-events.ts';
import type { AgentPlatform } from './platforms.ts';
import type {
  Address,
  Buyer,
  CheckoutSessionCompleteRequest,
  CheckoutSessionCreateRequest,
  CheckoutSessionUpdateRequest,
  FulfillmentDetails,
  Item,
  SelectedFulfillmentOption,
} from './schema.ts';
import { queueOrderWebhook } from './webhooks.ts';

/*
 * ACP checkout sessions over what Gallerist sells to agents: marketplace artworks, client-gallery prints and credit
 * bundles (item-kinds.ts, one adapter per kind). A session stores only what the agent sent; prices, availability,
 * shipping and totals are read from the catalog on every response (the "authoritative cart"), so a price change or
 * a sale elsewhere shows up at once. Completing creates the pending order exactly as that kind's web checkout does,
 * pays with the agent's Shared Payment Token through the commerce core (destination charge and platform fee), and
 * settles the order through the same exactly-once path as a Checkout webhook.
 */

/** How long an open session stays usable: an agent conversation, not a shopping week. */
const SESSION_TTL_MS = 6 * 60 * 60 * 1000;

interface SessionRow {
  id: string;
  platform_id: string;
  status: 'not_ready_for_payment' | 'ready_for_payment' | 'in_progress' | 'completed' | 'canceled';
  currency: string;
  items: Item[];
  buyer: Buyer | null;
  fulfillment_details: FulfillmentDetails | null;
  selected_fulfillment_options: SelectedFulfillmentOption[] | null;
  order_id: string | null;
  created_at: Date;
  updated_at: Date;
  expires_at: Date;
}

export interface SessionDeps {
  db: DB;
  stripe: Stripe;
  hooks: CommerceHooks;
  clock: Clock;
  publicUrl: string;
  stripeMode: 'test' | 'production';
}

/** The session functions' deps from the HTTP layer's, built the same for the REST routes and the MCP binding. */
export function acpSessionDeps(
  deps: Pick<Deps, 'db' | 'stripe' | 'commerce' | 'clock' | 'config' | 'emulatorUrl'>,
): SessionDeps {
  return {
    db: deps.db,
    stripe: deps.stripe,
    hooks: deps.commerce,
    clock: deps.clock,
    publicUrl: deps.config.publicUrl,
    stripeMode: stripeMode(deps) === 'live' ? 'production' : 'test',
  };
}

const newId = () =>
  `cs_${randomBytes(18)
    .toString('base64url')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 24)}`;

const total = (type: string, display_text: string, amount: number) => ({ type, display_text, amount });

function addressComplete(a: Address | undefined): a is Address {
  return Boolean(a?.line_one && a.city && a.postal_code && a.country && a.name);
}

// The authoritative state: everything the agent sees is recomputed here from the catalog and the stored inputs,
// the same way for every kind of item (item-kinds.ts prices them).
async function evaluate(db: DB, deps: SessionDeps, row: SessionRow) {
  const messages: AcpMessage[] = [];
  const now = deps.clock.now();
  const open = row.status !== 'completed' && row.status !== 'canceled';
  const address = row.fulfillment_details?.address;
  const found = kindOf(row.items);
  const kind = 'kind' in found ? found.kind : null;
  if ('message' in found) messages.push(found.message);
  const quote = kind
    ? await kind.quote(db, row.items, {
        now,
        clock: deps.clock,
        open,
        buyerEmail: row.buyer?.email ?? null,
        address: addressComplete(address) ? address : null,
      })
    : null;
  if (quote) messages.push(...quote.messages);
  const currency = quote?.currency ?? row.currency;
  if (quote?.currency && quote.currency !== row.currency && open) {
    messages.push({
      type: 'error',
      code: 'invalid',
      param: '$.currency',
      resolution: 'recoverable',
      content_type: 'plain',
      content: `These items are sold in ${quote.currency.toUpperCase()}.`,
    });
  }
  const lines = quote?.lines ?? [];
  const ships = quote?.ships ?? true;
  const fulfillmentOptions = (quote?.options ?? []).map((o) => ({
    type: o.type,
    id: o.id,
    title: o.title,
    description: o.description,
    totals: [
      total('fulfillment', o.type === 'digital' ? 'Delivery' : 'Shipping', o.amount),
      total('total', 'Total', o.amount),
    ],
  }));
  // The first option is chosen for the buyer; a choice the agent sent must name one of those offered.
  const selected = row.selected_fulfillment_options?.length
    ? row.selected_fulfillment_options
    : fulfillmentOptions
        .slice(0, 1)
        .map((o) => ({ type: o.type, option_id: o.id, item_ids: lines.map((l) => l.lineId) }));
  const selectionOk = selected.every((s) => fulfillmentOptions.some((o) => o.id === s.option_id));
  if (!selectionOk && open) {
    messages.push({
      type: 'error',
      code: 'invalid',
      param: '$.selected_fulfillment_options[0].option_id',
      resolution: 'recoverable',
      content_type: 'plain',
      content: 'Choose one of the fulfillment options offered.',
    });
  }
  const fulfillmentReady = fulfillmentOptions.length > 0;
  if (ships && !addressComplete(address) && open) {
    messages.push({
      type: 'info',
      param: '$.fulfillment_details.address',
      content_type: 'plain',
      content: 'Add the buyer’s shipping address to see shipping and the total.',
    });
  }
  if (!row.buyer?.email && open) {
    messages.push({
      type: 'info',
      param: '$.buyer.email',
      content_type: 'plain',
      content: `Add the buyer’s email address ${kind?.emailReason ?? 'for the receipt'}.`,
    });
  }
  const chosen = selectionOk ? (quote?.options.find((o) => o.id === selected[0]?.option_id) ?? null) : null;
  const t = quote?.totals(chosen) ?? {
    base: 0,
    discount: 0,
    subtotal: 0,
    fulfillment: 0,
    tax: 0,
    taxInclusive: false,
    total: 0,
  };
  const status =
    !open || row.status === 'in_progress'
      ? row.status
      : messages.some((m) => m.type === 'error') || !fulfillmentReady || !row.buyer?.email
        ? 'not_ready_for_payment'
        : 'ready_for_payment';
  const order = row.order_id ? await findOrder(db, row.order_id) : null;
  const session = {
    id: row.id,
    status,
    currency,
    capabilities: {
      payment: {
        handlers: acpPaymentHandlers({ environment: deps.stripeMode }),
      },
    },
    ...(row.buyer ? { buyer: row.buyer } : {}),
    line_items: lines.map((l) => ({
      id: l.lineId,
      item: { id: l.itemId },
      quantity: 1,
      name: l.name,
      description: l.description,
      unit_amount: l.unitAmount,
      product_id: l.productId,
      marketplace_seller_details: { name: l.sellerName },
      availability_status: l.available ? 'in_stock' : 'out_of_stock',
      totals: [
        total('items_base_amount', 'Price', l.unitAmount),
        total('subtotal', 'Subtotal', l.unitAmount),
        total('total', 'Total', l.unitAmount),
      ],
    })),
    ...(row.fulfillment_details ? { fulfillment_details: row.fulfillment_details } : {}),
    fulfillment_options: fulfillmentOptions,
    ...(selected.length ? { selected_fulfillment_options: selected } : {}),
    totals: [
      total('items_base_amount', 'Items', t.base),
      ...(t.discount ? [total('discount', 'Discount', t.discount)] : []),
      total('subtotal', 'Subtotal', t.subtotal),
      total('fulfillment', ships ? 'Shipping' : 'Delivery', t.fulfillment),
      // Inclusive tax is already in the prices: shown for the receipt, not added to the total.
      total('tax', t.taxInclusive ? 'Tax (included)' : 'Tax', t.tax),
      total('total', 'Total', t.total),
    ],
    messages,
    links: [
      { type: 'terms_of_use', url: `${deps.publicUrl}/terms` },
      { type: 'return_policy', url: `${deps.publicUrl}/returns` },
    ],
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    expires_at: row.expires_at.toISOString(),
    ...(order ? { order: acpOrderOf(order, row.id, deps.publicUrl, await loadAcpOrderFacts(db, order)) } : {}),
  };
  // The kind and the option the totals were computed with, for completing.
  return { session, kind, chosen };
}

async function render(db: DB, deps: SessionDeps, row: SessionRow) {
  return (await evaluate(db, deps, row)).session;
}

/** The ACP Order for one of our orders as the session shows it (order-events.ts builds it, for the webhooks too). */
export function acpOrderOf(order: Order, sessionId: string, publicUrl: string, facts?: AcpOrderFacts) {
  return buildAcpOrder(order, sessionId, publicUrl, facts);
}

export type AcpCheckoutSession = Awaited<ReturnType<typeof render>>;

async function loadRow(db: DB, platform: AgentPlatform, id: string, lock = false): Promise<SessionRow> {
  let q = db
    .selectFrom('acp_checkout_sessions')
    .selectAll()
    .where('id', '=', id)
    .where('platform_id', '=', platform.id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  // Another platform's session reads as missing: ids can't be probed across platforms.
  if (!row) throw acpError('invalid_request', 'not_found', 'No checkout session with this id', undefined, 404);
  return row as unknown as SessionRow;
}

function assertOpen(row: SessionRow, clock: Clock) {
  if (row.status === 'completed' || row.status === 'canceled') {
    throw acpError('invalid_request', 'invalid', `The checkout session is ${row.status}`, undefined, 400);
  }
  if (row.expires_at <= clock.now()) {
    throw acpError('invalid_request', 'expired', 'The checkout session has expired; start a new one', undefined, 400);
  }
}

const jsonb = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

/** `POST /checkout_sessions`. */
export async function createSession(deps: SessionDeps, platform: AgentPlatform, req: CheckoutSessionCreateRequest) {
  return withService(deps.db, async (tx) => {
    const now = deps.clock.now();
    const row = await tx
      .insertInto('acp_checkout_sessions')
      .values({
        id: newId(),
        platform_id: platform.id,
        status: 'not_ready_for_payment',
        currency: req.currency.toLowerCase(),
        items: JSON.stringify(req.line_items),
        buyer: jsonb(req.buyer),
        fulfillment_details: jsonb(req.fulfillment_details),
        selected_fulfillment_options: null,
        created_at: now,
        updated_at: now,
        expires_at: new Date(now.getTime() + SESSION_TTL_MS),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return persistStatus(tx, deps, row as unknown as SessionRow);
  });
}

// Renders the session and stores the status it computed, so lists and the next request agree with the response.
async function persistStatus(tx: DB, deps: SessionDeps, row: SessionRow) {
  const out = await render(tx, deps, row);
  if (out.status !== row.status) {
    await tx.updateTable('acp_checkout_sessions').set({ status: out.status }).where('id', '=', row.id).execute();
  }
  return out;
}

/** `GET /checkout_sessions/{id}`. */
export async function getSession(deps: SessionDeps, platform: AgentPlatform, id: string) {
  return withService(deps.db, async (tx) => render(tx, deps, await loadRow(tx, platform, id)));
}

/** `POST /checkout_sessions/{id}`: absent fields stay as they are. */
export async function updateSession(
  deps: SessionDeps,
  platform: AgentPlatform,
  id: string,
  req: CheckoutSessionUpdateRequest,
) {
  return withService(deps.db, async (tx) => {
    const row = await loadRow(tx, platform, id, true);
    assertOpen(row, deps.clock);
    if (row.status === 'in_progress') {
      throw acpError('invalid_request', 'conflict', 'The checkout session is being completed', undefined, 409);
    }
    const updated = await tx
      .updateTable('acp_checkout_sessions')
      .set({
        ...(req.line_items ? { items: JSON.stringify(req.line_items) } : {}),
        ...(req.buyer ? { buyer: JSON.stringify(req.buyer) } : {}),
        ...(req.fulfillment_details ? { fulfillment_details: JSON.stringify(req.fulfillment_details) } : {}),
        ...(req.selected_fulfillment_options
          ? { selected_fulfillment_options: JSON.stringify(req.selected_fulfillment_options) }
          : {}),
        updated_at: deps.clock.now(),
      })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return persistStatus(tx, deps, updated as unknown as SessionRow);
  });
}

/** `POST /checkout_sessions/{id}/cancel`: 405 once completed or canceled. */
export async function cancelSession(deps: SessionDeps, platform: AgentPlatform, id: string) {
  return withService(deps.db, async (tx) => {
    const row = await loadRow(tx, platform, id, true);
    if (row.status === 'completed' || row.status === 'canceled' || row.status === 'in_progress') {
      throw acpError('invalid_request', 'invalid', `The checkout session is ${row.status}`, undefined, 405);
    }
    const updated = await tx
      .updateTable('acp_checkout_sessions')
      .set({ status: 'canceled', updated_at: deps.clock.now() })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return render(tx, deps, updated as unknown as SessionRow);
  });
}

/**
 * `POST /checkout_sessions/{id}/complete`. The session is claimed (`in_progress`) in one short transaction so two
 * concurrent completes can't both pay; then the item kind creates the pending order like its web checkout (an artwork
 * is reserved), the token is charged with no transaction open, and the order settles through the commerce core. A
 * decline releases the order (and the hold) and leaves the session completable with a new token.
 */
export async function completeSession(
  deps: SessionDeps,
  platform: AgentPlatform,
  id: string,
  req: CheckoutSessionCompleteRequest,
) {
  const { db, clock } = deps;
  const claimed = await withService(db, async (tx) => {
    const row = await loadRow(tx, platform, id, true);
    assertOpen(row, clock);
    if (row.status === 'in_progress') {
      throw acpError('invalid_request', 'conflict', 'The checkout session is already being completed', undefined, 409);
    }
    const buyer = req.buyer ?? row.buyer;
    const { session: current, kind, chosen } = await evaluate(tx, deps, { ...row, buyer });
    if (current.status !== 'ready_for_payment' || !kind) {
      const first = current.messages.find((m) => m.type === 'error') ?? current.messages[0];
      throw acpError(
        'invalid_request',
        first?.code ?? 'missing',
        first?.content ?? 'The checkout session is not ready for payment',
        first?.param,
        400,
      );
    }
    await tx
      .updateTable('acp_checkout_sessions')
      .set({ status: 'in_progress', buyer: jsonb(buyer), updated_at: clock.now() })
      .where('id', '=', row.id)
      .execute();
    return { row: { ...row, buyer }, kind, chosen, email: buyer?.email ?? '' };
  });
  const reopen = (status: SessionRow['status']) =>
    withService(db, (tx) =>
      tx
        .updateTable('acp_checkout_sessions')
        .set({ status, updated_at: clock.now() })
        .where('id', '=', id)
        .where('status', '=', 'in_progress')
        .execute(),
    );
  const token = paymentToken(req);
  let reserved: ReservedOrder;
  try {
    reserved = await withService(db, (tx) =>
      claimed.kind.reserve(tx, claimed.row.items, {
        clock,
        email: claimed.email,
        option: claimed.chosen,
        sessionId: id,
        actor: { kind: `agent:${platform.name}`.slice(0, 60), userId: null },
        channel: { kind: 'acp', agentPlatformId: platform.id },
      }),
    );
  } catch (err) {
    await reopen('not_ready_for_payment');
    if (isAppError(err) && (err.code === 'conflict' || err.code === 'not_found' || err.code === 'gone')) {
      throw acpError('invalid_request', 'out_of_stock', err.message, '$.line_items[0]', 400);
    }
    // The buyer lost the right to buy since the session was rendered (no longer an organization admin).
    if (isAppError(err) && err.code === 'forbidden') {
      throw acpError('invalid_request', 'approval_required', err.message, '$.buyer.email', 400);
    }
    if (isAppError(err) && err.code === 'invalid_state') {
      throw acpError('invalid_request', 'invalid', err.message, '$.line_items[0]', 400);
    }
    throw err;
  }
  const actor = { kind: `agent:${platform.name}`.slice(0, 60) };
  let paid: Awaited<ReturnType<typeof payOrderWithSharedToken>>;
  try {
    paid = await payOrderWithSharedToken(db, deps.stripe, deps.hooks, reserved.orderId, token, actor, {
      publicUrl: deps.publicUrl,
      shipping: tokenShipping(claimed.row.fulfillment_details),
    });
  } catch (err) {
    // Stripe's outcome is unknown: keep the order (a webhook may still settle it) and let a retry find it.
    await reopen('ready_for_payment');
    throw err instanceof AppError
      ? err
      : acpError('service_unavailable', 'payment_unavailable', 'Try again', undefined, 503);
  }
  if (paid.outcome === 'declined') {
    await withService(db, (tx) => reserved.release(tx));
    await reopen('ready_for_payment');
    throw acpError('invalid_request', 'payment_declined', paid.message, '$.payment_data', 400);
  }
  return withService(db, async (tx) => {
    const row = await tx
      .updateTable('acp_checkout_sessions')
      .set({ status: 'completed', order_id: reserved.orderId, updated_at: clock.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const order = await findOrder(tx, reserved.orderId);
    if (order)
      await queueOrderWebhook(tx, {
        platformId: platform.id,
        type: 'order_create',
        order: acpOrderOf(order, id, deps.publicUrl),
        orderId: order.id,
      });
    return render(tx, deps, row as unknown as SessionRow);
  });
}

// The buyer's address in Stripe's shape; absent for items that don't ship (credits).
function tokenShipping(details: FulfillmentDetails | null): TokenShipping | null {
  const a = details?.address;
  if (!addressComplete(a)) return null;
  return {
    name: a.name,
    ...(details?.phone_number ? { phone: details.phone_number } : {}),
    address: {
      line1: a.line_one,
      ...(a.line_two ? { line2: a.line_two } : {}),
      city: a.city,
      state: a.state,
      postal_code: a.postal_code,
      country: a.country,
    },
  };
}

// The Shared Payment Token the agent's payment handler delegated (ACP tokenized card handler, credential type spt).
function paymentToken(req: CheckoutSessionCompleteRequest): string {
  const pd = req.payment_data;
  const credential = pd.instrument?.credential;
  if (pd.handler_id && pd.handler_id !== STRIPE_SPT_CARD_HANDLER_ID) {
    throw acpError(
      'invalid_request',
      'unsupported',
      `Unknown payment handler ${pd.handler_id}`,
      '$.payment_data.handler_id',
      400,
    );
  }
  if (!credential?.token || !/^spt_[A-Za-z0-9_]+$/.test(credential.token)) {
    throw acpError(
      'invalid_request',
      'invalid',
      'Send a Stripe Shared Payment Token (spt_…) as payment_data.instrument.credential.token',
      '$.payment_data.instrument.credential.token',
      400,
    );
  }
  return credential.token;
}
