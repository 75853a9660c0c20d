import type { Clock } from '../../clock.ts';
import { DEFAULT_SHIPPING_COUNTRIES, type OrderChannel } from '../../commerce/index.ts';
import {
  bundleBuyer,
  bundleItemName,
  bundleOrganization,
  createBundleOrder,
  getActiveBundle,
} from '../../credits/index.ts';
import type { DB } from '../../db/types.ts';
import { AppError, isAppError } from '../../errors.ts';
import { availability, releaseArtworkOrder, reserveArtworkOrder } from '../../marketplace/index.ts';
import { createPrintOrder, type PrintPick, printTotals, quotePrints, ratesFor } from '../../shop/index.ts';
import type { Address, Item } from './schema.ts';

/*
 * What an ACP session can sell, one adapter per kind of item: the item id's prefix names the kind, `quote` prices
 * the session's items from the seller's own catalog (with `messages` for what blocks payment), `reserve` creates the
 * pending order the way that domain's web checkout does and says how to undo it if the payment is declined.
 * sessions.ts renders and completes every kind through one path. One kind and one seller per session.
 */

export type AcpMessage = {
  type: 'error' | 'info';
  code?: 'invalid' | 'not_found' | 'out_of_stock' | 'maximum_exceeded' | 'region_restricted' | 'expired' | AcpAccess;
  param?: string;
  resolution?: 'recoverable' | 'requires_buyer_input' | 'requires_buyer_review';
  content_type: 'plain';
  content: string;
};
type AcpAccess = 'requires_sign_in' | 'approval_required';

export interface QuoteContext {
  now: Date;
  clock: Clock;
  /** Whether the session can still be paid (availability problems are only reported then). */
  open: boolean;
  buyerEmail: string | null;
  /** The buyer's complete shipping address, or null until there is one. */
  address: Address | null;
}

export interface QuotedLine {
  lineId: string;
  itemId: string;
  name: string;
  description: string;
  unitAmount: number;
  productId: string;
  sellerName: string;
  available: boolean;
}

export interface FulfilmentChoice {
  type: 'shipping' | 'digital';
  id: string;
  title: string;
  description: string;
  amount: number;
}

export interface QuoteTotals {
  base: number;
  discount: number;
  subtotal: number;
  fulfillment: number;
  tax: number;
  taxInclusive: boolean;
  total: number;
}

export interface ItemQuote {
  currency: string | null;
  lines: QuotedLine[];
  messages: AcpMessage[];
  /** Physical goods: fulfilment options appear once a complete address is in. */
  ships: boolean;
  options: FulfilmentChoice[];
  totals(option: FulfilmentChoice | null): QuoteTotals;
}

export interface ReserveContext {
  clock: Clock;
  email: string;
  option: FulfilmentChoice | null;
  sessionId: string;
  actor: { kind: string; userId: null };
  channel: { kind: OrderChannel; agentPlatformId: string | null };
}

/** The pending order for a session's items, and how to take it back if the payment is declined. */
export interface ReservedOrder {
  orderId: string;
  release(tx: DB): Promise<void>;
}

export interface AcpItemKind {
  prefix: string;
  /** Why the buyer's email is needed, for the message asking for it. */
  emailReason: string;
  quote(tx: DB, items: Item[], ctx: QuoteContext): Promise<ItemQuote>;
  reserve(tx: DB, items: Item[], ctx: ReserveContext): Promise<ReservedOrder>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (s: string | undefined): s is string => !!s && UUID.test(s);

const error = (
  code: NonNullable<AcpMessage['code']>,
  param: string,
  content: string,
  resolution: AcpMessage['resolution'] = 'recoverable',
): AcpMessage => ({ type: 'error', code, param, resolution, content_type: 'plain', content });

const noQuote = (messages: AcpMessage[], ships: boolean): ItemQuote => ({
  currency: null,
  lines: [],
  messages,
  ships,
  options: [],
  totals: () => ({ base: 0, discount: 0, subtotal: 0, fulfillment: 0, tax: 0, taxInclusive: false, total: 0 }),
});

/** Totals of goods sold at the price shown, with no tax on top (artworks, credit bundles). */
const untaxed = (base: number) => (option: FulfilmentChoice | null) => {
  const fulfillment = option?.amount ?? 0;
  return { base, discount: 0, subtotal: base, fulfillment, tax: 0, taxInclusive: false, total: base + fulfillment };
};

// A pending order nobody paid for goes, as if the checkout had never started (as releaseArtworkOrder does).
async function discardPendingOrder(tx: DB, orderId: string) {
  await tx
    .deleteFrom('orders')
    .where('id', '=', orderId)
    .where('status', '=', 'pending')
    .where('stripe_checkout_session_id', 'is', null)
    .where('stripe_payment_intent_id', 'is', null)
    .execute();
}

// ---- Artworks: `artwork_<uuid>`, one per session (a marketplace order is one destination charge to one artist).

const ARTWORK = 'artwork_';
const ARTIST_SHIPPING = 'ship_artist_insured';

function artworkIdOf(itemId: string): string | null {
  const id = itemId.startsWith(ARTWORK) ? itemId.slice(ARTWORK.length) : '';
  return isUuid(id) ? id : null;
}

async function readArtwork(db: DB, artworkId: string, now: Date) {
  const w = await db
    .selectFrom('artworks as w')
    .innerJoin('accounts as acc', 'acc.id', 'w.account_id')
    .select([
      'w.id',
      'w.account_id',
      'w.title',
      'w.description',
      'w.status',
      'w.price_amount',
      'w.shipping_amount',
      'w.currency',
      'w.edition_type',
      'w.edition_size',
      'w.editions_sold',
      'w.reserved_until',
      'acc.name as artist',
      'acc.suspended_at',
    ])
    .where('w.id', '=', artworkId)
    .executeTakeFirst();
  if (!w || w.suspended_at) return null;
  const { state } = availability(w, now);
  if (state === 'unavailable') return null;
  return { ...w, state };
}

export const artworkKind: AcpItemKind = {
  prefix: ARTWORK,
  emailReason: 'for the receipt and the certificate of authenticity',
  async quote(tx, items, ctx) {
    const messages: AcpMessage[] = [];
    if (items.length > 1) {
      messages.push({
        ...error(
          'maximum_exceeded',
          '$.line_items[1]',
          'Each checkout buys one artwork; start another session for the next one.',
        ),
      });
    }
    const artworkId = artworkIdOf(items[0].id);
    const w = artworkId ? await readArtwork(tx, artworkId, ctx.now) : null;
    if (!w) {
      return noQuote(
        [...messages, error('not_found', '$.line_items[0].id', 'This artwork is not for sale on Gallerist.')],
        true,
      );
    }
    if (ctx.open && (w.state === 'sold' || w.state === 'reserved')) {
      messages.push(
        error(
          'out_of_stock',
          '$.line_items[0]',
          w.state === 'sold' ? 'This artwork has been sold.' : 'Someone else is buying this artwork right now.',
          'requires_buyer_input',
        ),
      );
    }
    const country = ctx.address?.country.toUpperCase();
    const countryOk = !country || (DEFAULT_SHIPPING_COUNTRIES as readonly string[]).includes(country);
    if (!countryOk) {
      messages.push(
        error(
          'region_restricted',
          '$.fulfillment_details.address.country',
          `The artist does not ship to ${ctx.address?.country}.`,
          'requires_buyer_input',
        ),
      );
    }
    const price = Number(w.price_amount);
    return {
      currency: w.currency.trim().toLowerCase(),
      lines: [
        {
          lineId: `li_${w.id}`,
          itemId: items[0].id,
          name: w.title,
          description: w.description.slice(0, 1000) || w.title,
          unitAmount: price,
          productId: `${ARTWORK}${w.id}`,
          sellerName: w.artist,
          available: w.state === 'available',
        },
      ],
      messages,
      ships: true,
      options:
        ctx.address && countryOk
          ? [
              {
                type: 'shipping',
                id: ARTIST_SHIPPING,
                title: 'Insured shipping by the artist',
                description:
                  'Packed and shipped by the artist, tracked and insured; a certificate of authenticity comes along.',
                amount: Number(w.shipping_amount),
              },
            ]
          : [],
      totals: untaxed(price),
    };
  },
  async reserve(tx, items, ctx) {
    const reserved = await reserveArtworkOrder(tx, ctx.clock, {
      artworkId: artworkIdOf(items[0].id) as string,
      buyer: { email: ctx.email },
      metadata: { acp_session_id: ctx.sessionId },
      actor: ctx.actor,
      channel: ctx.channel,
    });
    return { orderId: reserved.order.id, release: (t) => releaseArtworkOrder(t, reserved) };
  },
};

// ---- Prints of a client gallery: `print_<galleryToken>_<productId>_<photoId>_<valueId>.<valueId>…`, one print each.
// The gallery link's token is the buyer's access, as on the gallery page; a PIN gallery can't be unlocked by an agent.

const PRINT = 'print_';

function printPickOf(itemId: string): { token: string; pick: PrintPick } | null {
  if (!itemId.startsWith(PRINT)) return null;
  const parts = itemId.slice(PRINT.length).split('_');
  if (parts.length < 4) return null;
  const values = parts.pop() as string;
  const photoId = parts.pop();
  const productId = parts.pop();
  const token = parts.join('_');
  const optionValueIds = values ? values.split('.') : [];
  if (!isUuid(productId) || !isUuid(photoId) || !optionValueIds.every(isUuid) || !token) return null;
  return { token, pick: { photoId, productId, optionValueIds } };
}

const rateOptionId = (rateId: string) => `ship_${rateId}`;

async function quotePrintItems(tx: DB, items: Item[], ctx: QuoteContext) {
  const picks = items.map((i) => printPickOf(i.id));
  const bad = picks.findIndex((p) => !p);
  if (bad >= 0) {
    return { problem: error('not_found', `$.line_items[${bad}].id`, 'This print is not for sale on Gallerist.') };
  }
  const token = (picks[0] as { token: string }).token;
  const other = picks.findIndex((p) => p?.token !== token);
  if (other >= 0) {
    return {
      problem: error(
        'invalid',
        `$.line_items[${other}].id`,
        'Each checkout buys prints from one gallery; start another session for the other gallery.',
      ),
    };
  }
  let quoted: Awaited<ReturnType<typeof quotePrints>>;
  try {
    quoted = await quotePrints(
      tx,
      token,
      ctx.clock,
      picks.map((p) => (p as { pick: PrintPick }).pick),
    );
  } catch (err) {
    if (!isAppError(err)) throw err;
    const gone = err.code === 'gone';
    return {
      problem: error(
        gone ? 'expired' : 'not_found',
        '$.line_items[0].id',
        gone ? 'This gallery has expired.' : 'This gallery link does not sell prints.',
        'requires_buyer_input',
      ),
    };
  }
  // The PIN guards the gallery's contents too: nothing behind it is shown to an agent that can't enter it.
  if (quoted.hasPin) {
    return {
      problem: error(
        'requires_sign_in',
        '$.line_items[0].id',
        'This gallery is protected by a PIN, which can only be entered on the gallery page: the buyer has to order these prints there.',
        'requires_buyer_input',
      ),
    };
  }
  return { quoted };
}

export const printKind: AcpItemKind = {
  prefix: PRINT,
  emailReason: 'for the order confirmation and shipping updates',
  async quote(tx, items, ctx) {
    const { problem, quoted } = await quotePrintItems(tx, items, ctx);
    if (!quoted) return noQuote([problem], true);
    const { settings, lines } = quoted;
    const messages: AcpMessage[] = [];
    lines.forEach((l, n) => {
      if (l.problem) messages.push(error('invalid', `$.line_items[${n}].id`, l.problem, 'requires_buyer_input'));
    });
    const rates = ctx.address ? ratesFor(settings, ctx.address.country) : [];
    if (ctx.address && !rates.length) {
      messages.push(
        error(
          'region_restricted',
          '$.fulfillment_details.address.country',
          `The studio does not ship to ${ctx.address.country}.`,
          'requires_buyer_input',
        ),
      );
    }
    const priced = lines.flatMap((l) => (l.line ? [l.line] : []));
    return {
      currency: settings.currency.toLowerCase(),
      lines: lines.map((l, n) => ({
        lineId: `li_${n + 1}`,
        itemId: items[n].id,
        name: l.line?.description ?? 'Print',
        description: l.line?.description ?? 'This print is not available',
        unitAmount: l.line?.unitPrice ?? 0,
        productId: `print_${l.pick.productId}`,
        sellerName: quoted.studioName,
        available: l.line !== null,
      })),
      messages,
      ships: true,
      options: rates.map((r) => ({
        type: 'shipping' as const,
        id: rateOptionId(r.id),
        title: r.name,
        description: `Printed by the studio's lab and shipped to ${ctx.address?.country}.`,
        amount: r.amount,
      })),
      totals(option) {
        const rate = settings.shippingRates.find((r) => option && rateOptionId(r.id) === option.id) ?? null;
        const t = printTotals(priced, settings, rate);
        return { ...t, base: t.subtotal, fulfillment: t.shipping };
      },
    };
  },
  async reserve(tx, items, ctx) {
    const { problem, quoted } = await quotePrintItems(tx, items, {
      ...ctx,
      now: ctx.clock.now(),
      open: true,
      buyerEmail: ctx.email,
      address: null,
    });
    if (!quoted) throw new AppError('conflict', problem.content);
    if (quoted.lines.some((l) => !l.line)) {
      throw new AppError('conflict', 'Some prints are no longer available; remove them first');
    }
    const { gallery, settings } = quoted;
    const rate = settings.shippingRates.find((r) => ctx.option && rateOptionId(r.id) === ctx.option.id);
    const lines = quoted.lines.map((l) => ({
      description: l.line?.description ?? '',
      unitPrice: l.line?.unitPrice ?? 0,
      quantity: 1,
      photoId: l.pick.photoId,
      productId: l.pick.productId,
      optionValueIds: l.pick.optionValueIds,
      crop: null,
    }));
    const totals = printTotals(
      quoted.lines.flatMap((l) => (l.line ? [l.line] : [])),
      settings,
      rate ?? null,
    );
    const order = await createPrintOrder(tx, gallery, settings, {
      email: ctx.email,
      lines,
      totals,
      rate,
      metadata: { acp_session_id: ctx.sessionId },
      channel: ctx.channel,
      actor: ctx.actor,
    });
    return { orderId: order.id, release: (t) => discardPendingOrder(t, order.id) };
  },
};

// ---- Credit bundles: `credits_<bundleId>_<organizationId>`, bought by an owner or admin of the organization.

const CREDITS = 'credits_';
const DIGITAL_CREDITS = 'digital_credits';

function bundlePickOf(itemId: string): { bundleId: string; organizationId: string } | null {
  if (!itemId.startsWith(CREDITS)) return null;
  const [bundleId, organizationId, ...rest] = itemId.slice(CREDITS.length).split('_');
  return isUuid(bundleId) && isUuid(organizationId) && !rest.length ? { bundleId, organizationId } : null;
}

const notAdmin = (orgName: string) =>
  error(
    'approval_required',
    '$.buyer.email',
    `Credits for ${orgName} can only be bought by one of its owners or admins: use the email address of their Gallerist account.`,
    'requires_buyer_input',
  );

export const creditsKind: AcpItemKind = {
  prefix: CREDITS,
  emailReason: 'to check that the buyer is an owner or admin of the organization',
  async quote(tx, items, ctx) {
    const messages: AcpMessage[] = [];
    if (items.length > 1) {
      messages.push(
        error('maximum_exceeded', '$.line_items[1]', 'Each checkout buys one credit bundle; start another session.'),
      );
    }
    const pick = bundlePickOf(items[0].id);
    let found: [Awaited<ReturnType<typeof getActiveBundle>>, Awaited<ReturnType<typeof bundleOrganization>>] | null =
      null;
    try {
      if (pick) found = [await getActiveBundle(tx, pick.bundleId), await bundleOrganization(tx, pick.organizationId)];
    } catch (err) {
      if (!isAppError(err)) throw err;
      if (err.code !== 'not_found') {
        return noQuote(
          [...messages, error('invalid', '$.line_items[0].id', err.message, 'requires_buyer_input')],
          false,
        );
      }
    }
    if (!found) {
      return noQuote(
        [...messages, error('not_found', '$.line_items[0].id', 'This credit bundle is not for sale on Gallerist.')],
        false,
      );
    }
    const [bundle, org] = found;
    // The organization is named only to one of its admins: an item id isn't a reason to learn whose it is.
    const admin = ctx.buyerEmail ? await bundleBuyer(tx, org.id, ctx.buyerEmail) : null;
    const orgName = admin ? org.name : 'the organization';
    if (ctx.buyerEmail && !admin) messages.push(notAdmin(orgName));
    return {
      currency: bundle.currency.toLowerCase(),
      lines: [
        {
          lineId: `li_${bundle.id}`,
          itemId: items[0].id,
          name: bundleItemName(bundle),
          description: `${bundle.hours} hours of expert services from ${bundle.providerName}, credited to ${orgName}.`,
          unitAmount: bundle.priceAmount,
          productId: `credits_${bundle.id}`,
          sellerName: bundle.providerName,
          available: true,
        },
      ],
      messages,
      ships: false,
      options: [
        {
          type: 'digital',
          id: DIGITAL_CREDITS,
          title: `Credited to ${orgName}`,
          description: 'The hours are added to the organization’s balance as soon as the payment succeeds.',
          amount: 0,
        },
      ],
      totals: untaxed(bundle.priceAmount),
    };
  },
  async reserve(tx, items, ctx) {
    const pick = bundlePickOf(items[0].id);
    if (!pick) throw new AppError('not_found', 'This credit bundle is not for sale on Gallerist.');
    const org = await bundleOrganization(tx, pick.organizationId);
    const buyer = await bundleBuyer(tx, org.id, ctx.email);
    if (!buyer) throw new AppError('forbidden', notAdmin('the organization').content);
    const { order } = await createBundleOrder(tx, {
      ...pick,
      buyerUserId: buyer.userId,
      buyerEmail: ctx.email,
      metadata: { acp_session_id: ctx.sessionId },
      channel: ctx.channel,
    });
    return { orderId: order.id, release: (t) => discardPendingOrder(t, order.id) };
  },
};

export const ACP_ITEM_KINDS: readonly AcpItemKind[] = [artworkKind, printKind, creditsKind];

/** The kind the session's items are, or the message that says why there is none (unknown, or mixed kinds). */
export function kindOf(items: Item[]): { kind: AcpItemKind } | { message: AcpMessage } {
  const kind = ACP_ITEM_KINDS.find((k) => items[0]?.id.startsWith(k.prefix));
  if (!kind) return { message: error('not_found', '$.line_items[0].id', 'This item is not for sale on Gallerist.') };
  const other = items.findIndex((i) => !i.id.startsWith(kind.prefix));
  if (other >= 0) {
    return {
      message: error(
        'invalid',
        `$.line_items[${other}].id`,
        'Each checkout buys one kind of item from one seller; start another session for this one.',
      ),
    };
  }
  return { kind };
}
