import { randomBytes } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { checkAccount, type Role } from '../../accounts/index.ts';
import { type Actor, recordAudit } from '../../audit/index.ts';
import {
  completeCheckoutSession,
  findOrder,
  getOrder,
  getOrderDetail,
  listOrders,
  ORDER_STATUSES,
  requireSalesReader,
} from '../../commerce/index.ts';
import { consumeMinutes, getBalances, type Lot, listCustomers, listLots } from '../../credits/index.ts';
import type { AccountKind } from '../../db/account-kind.ts';
import { withAnon, withService, withUser } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { AppError, forbidden, isAppError, notFound } from '../../errors.ts';
import {
  listAccountArtworks,
  listPublicArtworks,
  media,
  priceBreakdown,
  publicArtwork,
  similarArtworks,
  startArtworkCheckout,
  transactionsQuery,
  upstream,
} from '../../marketplace/index.ts';
import type { ModuleDeps } from '../../modules.ts';
import {
  cart,
  galleryByToken,
  galleryProducts,
  getGallery,
  getSettings,
  listClients,
  listGalleries,
  type Product,
  startPrintCheckout,
  studioSummary,
} from '../../shop/index.ts';
import type { ApiKeyPrincipal } from '../api-keys.ts';

/** What the MCP server needs from the assembly: the same deps the modules were built from. */
export type McpDeps = Pick<ModuleDeps, 'config' | 'db' | 'clock' | 'logger' | 'stripe' | 'commerce'>;

type Structured = Record<string, unknown>;

/** Orders an MCP tool starts are recorded as coming from MCP (no agent platform: the API key is the seller's). */
const MCP_CHANNEL = { kind: 'mcp', agentPlatformId: null } as const;

const invalid = (field: string, message: string) =>
  new AppError('validation_failed', message, { fieldErrors: { [field]: [message] }, formErrors: [] });

const result = (out: Structured): CallToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(out) }],
  structuredContent: out,
});

// The platform's own error code and message, so an agent can tell "not found" from "fix your input".
function toolError(err: AppError): CallToolResult {
  const error = { code: err.code, message: err.message, details: err.details };
  return {
    isError: true,
    content: [{ type: 'text', text: `${err.code}: ${err.message}` }],
    structuredContent: { error },
  };
}

/**
 * Who the tools act as: an API key (its creator, its account, at most its role), or, for the in-app assistants
 * (decision 028), the signed-in user in one of their accounts with their own role (`keyId` null).
 */
export type McpPrincipal = Omit<ApiKeyPrincipal, 'keyId'> & { keyId: string | null };

/**
 * An MCP server whose tools act as one principal: the user's identity under RLS (`withUser`), the principal's
 * account only, and never more than its role. Stripe is called only outside transactions, through the same
 * functions the web checkout and success page use.
 */
export function createMcpServer(deps: McpDeps, principal: McpPrincipal): McpServer {
  const { db, logger } = deps;
  const server = new McpServer({ name: 'gallerist', version: '0.1.0' });
  const actor: Actor = { kind: principal.keyId ? 'mcp' : 'assistant', userId: principal.userId };
  const asKeyUser = <T>(fn: (tx: DB) => Promise<T>) => withUser(db, { sub: principal.userId }, fn);

  // One short service transaction per call: the key must still be live (not revoked, creator still a member) and
  // the call is audited. Cheap: one update and one insert.
  async function admit(tool: string): Promise<void> {
    await withService(db, async (tx) => {
      const keyId = principal.keyId;
      // The user must still be an unsuspended member of the account, and a key must not be revoked.
      const member = await tx
        .selectFrom('memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select('m.user_id')
        .where('m.account_id', '=', principal.accountId)
        .where('m.user_id', '=', principal.userId)
        .where('u.suspended_at', 'is', null)
        .executeTakeFirst();
      const keyLive =
        !keyId ||
        Number(
          (
            await tx
              .updateTable('api_keys')
              .set({ last_used_at: deps.clock.now() })
              .where('id', '=', keyId)
              .where('account_id', '=', principal.accountId)
              .where('created_by', '=', principal.userId)
              .where('revoked_at', 'is', null)
              .executeTakeFirst()
          ).numUpdatedRows,
        ) > 0;
      if (!member || !keyLive) {
        throw new AppError(
          'unauthenticated',
          keyId ? 'The API key is invalid or has been revoked' : 'You are no longer a member of this account',
        );
      }
      await recordAudit(tx, actor, {
        accountId: principal.accountId,
        action: keyId ? 'mcp.tool_called' : 'assistant.tool_called',
        entityType: keyId ? 'api_key' : 'account',
        entityId: keyId ?? principal.accountId,
        after: { tool },
      });
    });
  }

  function tool<S extends z.ZodRawShape>(
    name: string,
    description: string,
    inputSchema: S,
    run: (args: z.infer<z.ZodObject<S>>) => Promise<Structured>,
    readOnly = true,
  ): void {
    server.registerTool(
      name,
      { description, inputSchema, annotations: { readOnlyHint: readOnly, openWorldHint: false } },
      // The SDK's callback generics don't narrow a generic shape; the schema has already validated the args.
      (async (args: z.infer<z.ZodObject<S>>): Promise<CallToolResult> => {
        try {
          await admit(name);
          return result(await run(args));
        } catch (err) {
          if (isAppError(err)) return toolError(err);
          logger.error({ err, tool: name, keyId: principal.keyId }, 'MCP tool failed');
          return toolError(new AppError('internal', 'Something went wrong; try again later'));
        }
      }) as never,
    );
  }

  // The web's account rule (src/accounts/access.ts), applied to the key's creator in the key's account.
  async function requireKeyAccount(tx: DB, kind: AccountKind | null, min: Role): Promise<void> {
    await checkAccount(
      tx,
      principal.accountId,
      { id: principal.userId, isPlatformAdmin: false },
      {
        kind: kind ? [kind] : undefined,
        min,
      },
    );
  }

  // A gallery of the key's own studio, read under the creator's RLS; anything else reads as missing.
  async function studioGallery(tx: DB, galleryId: string) {
    const g = await getGallery(tx, galleryId);
    if (g.accountId !== principal.accountId) throw notFound('Gallery');
    await requireKeyAccount(tx, 'studio', 'member');
    return g;
  }

  // The key's account may be read for sales: members, but only admins of a provider (docs/credits.md).
  async function requireSales(tx: DB): Promise<void> {
    await requireKeyAccount(tx, null, 'member');
    await requireSalesReader(tx, principal.accountId);
    // A member key of a provider sees no sales, whatever its creator's role.
    if (principal.accountKind === 'provider' && principal.role !== 'admin') {
      throw forbidden('Only the account’s admins can see its sales');
    }
  }

  // Routes that need an admin check the creator's role; a member key never acts above member, whoever made it.
  function requireKeyAdmin(): void {
    if (principal.role !== 'admin') throw forbidden('This needs an API key with the admin role');
  }

  tool(
    'list_galleries',
    "List your studio's galleries, newest first, 25 at a time (pass next_cursor for the next page; total stops at 1000 with total_capped): title, client, status, photo count, share link; filter by title.",
    {
      query: z.string().max(100).optional().describe('Part of a gallery title'),
      cursor: z.string().max(300).optional().describe('next_cursor of the previous page; omit for the first page'),
    },
    async ({ query, cursor }) =>
      asKeyUser(async (tx) => {
        await requireKeyAccount(tx, 'studio', 'member');
        const r = await listGalleries(tx, principal.accountId, { q: query, cursor, limit: 25 });
        const base = deps.config.publicUrl.replace(/\/$/, '');
        return {
          next_cursor: r.nextCursor,
          total: r.total,
          total_capped: r.totalCapped,
          galleries: r.data.map((g) => ({
            gallery_id: g.id,
            title: g.title,
            client_id: g.clientId,
            status: g.status,
            photo_count: g.photoCount,
            store_enabled: g.storeEnabled,
            share_url: g.status === 'published' ? `${base}/g/${g.token}` : null,
          })),
        };
      }),
  );

  tool(
    'list_clients',
    "List your studio's clients by name, 25 at a time (pass next_cursor for the next page; total stops at 1000 with total_capped): name, email, id; filter by part of a name or email.",
    {
      query: z.string().max(100).optional().describe('Part of a name or email'),
      cursor: z.string().max(1000).optional().describe('next_cursor of the previous page; omit for the first page'),
    },
    async ({ query, cursor }) =>
      asKeyUser(async (tx) => {
        await requireKeyAccount(tx, 'studio', 'member');
        const r = await listClients(tx, principal.accountId, { q: query, cursor, limit: 25 });
        return {
          next_cursor: r.nextCursor,
          total: r.total,
          total_capped: r.totalCapped,
          clients: r.data.map((c) => ({ client_id: c.id, name: c.name, email: c.email })),
        };
      }),
  );

  tool(
    'list_artworks',
    "List your artist account's artworks, drafts included, newest first (status, medium, price, description).",
    {},
    async () =>
      asKeyUser(async (tx) => {
        await requireKeyAccount(tx, 'artist', 'member');
        const rows = await listAccountArtworks(tx, principal.accountId);
        return {
          artworks: rows.map((w) => ({
            artwork_id: w.id,
            title: w.title,
            status: w.status,
            medium: w.medium,
            year: w.year,
            price: w.priceAmount,
            currency: w.currency,
            description: w.description,
            images: w.images.length,
          })),
        };
      }),
  );

  tool(
    'list_gallery_products',
    "List the prints a client gallery of your studio sells: each product's SKU, base price and option groups with price adjustments (minor units), plus the gallery's photos.",
    { gallery_id: z.uuid().describe('The gallery id') },
    async ({ gallery_id }) =>
      asKeyUser(async (tx) => {
        const g = await studioGallery(tx, gallery_id);
        const settings = await getSettings(tx, g.accountId);
        const products = await galleryProducts(tx, { account_id: g.accountId, price_sheet_id: g.priceSheetId });
        const photos = await tx
          .selectFrom('gallery_photos')
          .select(['id', 'filename', 'width', 'height'])
          .where('gallery_id', '=', g.id)
          .orderBy('position')
          .orderBy('id')
          .limit(100)
          .execute();
        return {
          gallery: { id: g.id, title: g.title, status: g.status, store_enabled: g.storeEnabled },
          currency: settings.currency,
          products: products.map((p) => ({
            sku: p.sku,
            name: p.name,
            description: p.description,
            base_price: p.basePrice,
            option_groups: p.groups.map((gr) => ({
              name: gr.name,
              values: gr.values.map((v) => ({
                label: v.label,
                price_adjustment: v.priceAdjustment,
                min_width_px: v.minWidthPx,
                min_height_px: v.minHeightPx,
              })),
            })),
          })),
          photos,
          photo_count: g.photoCount,
        };
      }),
  );

  const Item = z.object({
    product_sku: z.string().min(1).max(100).describe('The product SKU from list_gallery_products'),
    variant: z
      .array(z.string().max(200))
      .max(20)
      .default([])
      .describe('One option value label per option group (groups with a single value may be left out)'),
    qty: z.number().int().min(1).max(100).describe('Quantity'),
    photo_id: z.uuid().optional().describe("The photo to print (default: the gallery's cover or first photo)"),
  });

  tool(
    'create_gallery_checkout',
    "Create a pending print order for a client gallery of your studio and return a Stripe Checkout link for the client to pay; prices are computed by the server exactly like the gallery's cart.",
    {
      gallery_id: z.uuid().describe('The gallery id'),
      client_id: z.uuid().optional().describe("The studio client who pays (default: the gallery's client)"),
      items: z.array(Item).min(1).max(50).describe('The prints to order'),
    },
    async ({ gallery_id, client_id, items }) => {
      const plan = await asKeyUser(async (tx) => {
        const g = await studioGallery(tx, gallery_id);
        if (g.status !== 'published') throw new AppError('invalid_state', 'Publish the gallery before selling from it');
        if (!g.storeEnabled) throw new AppError('invalid_state', 'This gallery does not sell prints');
        const clientId = client_id ?? g.clientId;
        if (!clientId) throw invalid('client_id', 'This gallery has no client: pass client_id');
        const client = await tx
          .selectFrom('studio_clients')
          .select(['id', 'email'])
          .where('id', '=', clientId)
          .where('account_id', '=', g.accountId)
          .executeTakeFirst();
        if (!client) throw notFound('Client');
        const fallbackPhoto =
          g.coverPhotoId ??
          (
            await tx
              .selectFrom('gallery_photos')
              .select('id')
              .where('gallery_id', '=', g.id)
              .orderBy('position')
              .orderBy('id')
              .executeTakeFirst()
          )?.id;
        const products = await galleryProducts(tx, { account_id: g.accountId, price_sheet_id: g.priceSheetId });
        const lines = items.map((item, i) => {
          const photoId = item.photo_id ?? fallbackPhoto;
          if (!photoId) throw invalid(`items.${i}.photo_id`, 'This gallery has no photos to print');
          const product = products.find((p) => p.sku === item.product_sku);
          if (!product) {
            throw invalid(`items.${i}.product_sku`, `Unknown product SKU "${item.product_sku}" in this gallery`);
          }
          return {
            photoId,
            productId: product.id,
            optionValueIds: chooseOptions(product, item.variant, i),
            quantity: item.qty,
            crop: null,
          };
        });
        return { token: g.token, email: client.email, lines };
      });
      // The lines go into a cart of their own, so the order is priced and created by the web checkout's code path.
      const visitorId = `mcp-${randomBytes(18).toString('base64url')}`;
      const cartId = await withService(db, async (tx) => {
        const g = await galleryByToken(tx, plan.token, deps.clock);
        const row = await cart.ensureCart(tx, g, visitorId);
        for (const line of plan.lines) await cart.addItem(tx, g, row.id, line);
        return row.id;
      });
      const base = `${deps.config.publicUrl}/g/${encodeURIComponent(plan.token)}`;
      let out: { checkoutUrl: string; orderId: string };
      try {
        out = await startPrintCheckout(
          db,
          deps.stripe,
          deps.commerce,
          deps.clock,
          // The studio itself is selling, so a gallery PIN does not apply.
          { token: plan.token, visitorId, email: plan.email, hasAccess: () => true, channel: MCP_CHANNEL },
          { successUrl: `${base}?checkout=success`, cancelUrl: `${base}?checkout=cancelled` },
        );
      } catch (err) {
        await withService(db, (tx) => tx.deleteFrom('shop_carts').where('id', '=', cartId).execute());
        throw err;
      }
      const order = await withService(db, (tx) => getOrder(tx, out.orderId));
      return {
        order_id: order.id,
        checkout_url: out.checkoutUrl,
        status: order.status,
        currency: order.currency,
        subtotal: order.subtotal,
        discount: order.discount,
        shipping: order.shipping,
        tax: order.tax,
        tax_inclusive: order.taxInclusive,
        total: order.total,
        buyer_email: order.buyerEmail,
      };
    },
    false,
  );

  tool(
    'get_order_status',
    "Get an order of your account: payment status, items, totals, refunds and print fulfilment (a pending order is first checked with Stripe, so 'paid' shows as soon as the buyer has paid).",
    { order_id: z.uuid().describe('The order id') },
    async ({ order_id }) => {
      const readable = async (tx: DB) => {
        await requireSales(tx);
        const order = await findOrder(tx, order_id);
        if (!order || order.accountId !== principal.accountId) throw notFound('Order', { orderId: order_id });
        return order;
      };
      const order = await asKeyUser(readable);
      if (order.status === 'pending' && order.stripeCheckoutSessionId) {
        try {
          // The success page's path: settles once, whichever of webhook, return or this call comes first.
          await completeCheckoutSession(db, deps.stripe, deps.commerce, order.stripeCheckoutSessionId, actor, {
            publicUrl: deps.config.publicUrl,
          });
        } catch (err) {
          logger.warn({ err, orderId: order.id }, 'could not settle the checkout session; reporting the stored status');
        }
      }
      return asKeyUser(async (tx) => {
        await readable(tx);
        const d = await getOrderDetail(tx, order_id);
        const f = await tx
          .selectFrom('print_fulfilments')
          .select(['status', 'lab', 'carrier', 'tracking_number', 'tracking_url', 'shipped_at', 'delivered_at'])
          .where('order_id', '=', order_id)
          .executeTakeFirst();
        return {
          order_id: d.id,
          status: d.status,
          offering: d.offeringType,
          buyer_email: d.buyerEmail,
          currency: d.currency,
          subtotal: d.subtotal,
          discount: d.discount,
          shipping: d.shipping,
          tax: d.tax,
          tax_inclusive: d.taxInclusive,
          total: d.total,
          amount_refunded: d.amountRefunded,
          paid_at: d.paidAt ? new Date(d.paidAt).toISOString() : null,
          created_at: new Date(d.createdAt).toISOString(),
          items: d.items.map((i) => ({
            name: i.name,
            quantity: i.quantity,
            unit_amount: i.unitAmount,
            line_total: i.lineTotal,
          })),
          refunds: d.refunds.map((r) => ({
            amount: r.amount,
            status: r.status,
            reason: r.reason,
            created_at: new Date(r.createdAt).toISOString(),
          })),
          fulfilment: f
            ? {
                status: f.status,
                lab: f.lab,
                carrier: f.carrier,
                tracking_number: f.tracking_number,
                tracking_url: f.tracking_url,
                shipped_at: f.shipped_at ? new Date(f.shipped_at).toISOString() : null,
                delivered_at: f.delivered_at ? new Date(f.delivered_at).toISOString() : null,
              }
            : null,
        };
      });
    },
  );

  tool(
    'search_artworks',
    'Browse published artworks on the public marketplace, newest first, 24 per page (pass next_cursor for the next page; total stops at 1000 with total_capped); filter by medium, price range (minor units) or artist slug.',
    {
      medium: z.enum(media).optional().describe('Only this medium'),
      min_price: z.number().int().min(0).optional().describe('Lowest price, minor units'),
      max_price: z.number().int().min(0).optional().describe('Highest price, minor units'),
      artist: z.string().max(60).optional().describe("The artist's slug"),
      cursor: z.string().max(300).optional().describe('next_cursor of the previous page; omit for the first page'),
    },
    async (q) => {
      const r = await withAnon(db, (tx) =>
        listPublicArtworks(tx, {
          medium: q.medium,
          minPrice: q.min_price,
          maxPrice: q.max_price,
          artist: q.artist,
          cursor: q.cursor,
          limit: 24,
        }),
      );
      return {
        next_cursor: r.nextCursor,
        page_size: r.limit,
        total: r.total,
        total_capped: r.totalCapped,
        artworks: r.data.map((a) => ({
          id: a.id,
          title: a.title,
          artist: a.artist,
          medium: a.medium,
          year: a.year,
          price: a.priceAmount,
          currency: a.currency,
          status: a.status,
        })),
      };
    },
  );

  tool(
    'get_artwork',
    "Get one public artwork: title, artist, description, dimensions, edition, images, price and the artist's share.",
    { artwork_id: z.uuid().describe('The artwork id') },
    async ({ artwork_id }) =>
      withAnon(db, async (tx) => {
        const artwork = await publicArtwork(tx, artwork_id);
        if (!artwork) throw notFound('Artwork');
        const { rejectionReason: _hidden, ...shown } = artwork;
        return { artwork: shown, price: await priceBreakdown(tx, artwork) };
      }),
  );

  tool(
    'recommend_artworks',
    'Find buyable artworks like a given one (same medium, palette, subject, price and size), at most two per artist, each with a one-line reason it matched.',
    {
      like_artwork_id: z.uuid().describe('The artwork to match, from search_artworks'),
      limit: z.number().int().min(1).max(48).default(12).describe('How many to return (at most 48)'),
    },
    async ({ like_artwork_id, limit }) => {
      // The key's own accounts' works are left out, as they are for a signed-in patron.
      const recs = await similarArtworks(db, like_artwork_id, { viewerId: principal.userId, limit });
      return {
        artworks: recs.map((r) => ({
          id: r.artwork.id,
          title: r.artwork.title,
          artist: r.artwork.artist,
          medium: r.artwork.medium,
          price: r.artwork.priceAmount,
          currency: r.artwork.currency,
          score: r.score,
          reason: r.reason,
        })),
      };
    },
  );

  tool(
    'list_orders',
    "List your account's orders as a seller, newest first and paged (pass next_cursor for the next page; total stops at 1000 with total_capped); filter by status to find what is unpaid, paid or refunded.",
    {
      status: z.enum(ORDER_STATUSES).optional().describe('Only orders in this status'),
      cursor: z.string().max(300).optional().describe('next_cursor of the previous page; omit for the first page'),
      page_size: z.number().int().min(1).max(100).default(20).describe('Orders per page (at most 100)'),
    },
    async ({ status, cursor, page_size }) =>
      asKeyUser(async (tx) => {
        await requireSales(tx);
        const r = await listOrders(tx, principal.accountId, { status, cursor, limit: page_size });
        return {
          next_cursor: r.nextCursor,
          page_size: r.limit,
          total: r.total,
          total_capped: r.totalCapped,
          orders: r.data.map((o) => ({
            order_id: o.id,
            status: o.status,
            offering: o.offeringType,
            buyer_email: o.buyerEmail,
            currency: o.currency,
            total: o.total,
            amount_refunded: o.amountRefunded,
            created_at: new Date(o.createdAt).toISOString(),
            paid_at: o.paidAt ? new Date(o.paidAt).toISOString() : null,
          })),
        };
      }),
  );

  tool(
    'sales_summary',
    "Summarize a studio's print sales or an artist's artwork sales for one calendar month (UTC, default this month): revenue, refunds, order count and top items.",
    {
      month: z
        .string()
        .regex(/^(19|20)\d{2}-(0[1-9]|1[0-2])$/, 'Use YYYY-MM')
        .optional()
        .describe('The month, YYYY-MM (default: the current month)'),
    },
    async ({ month }) => {
      const now = deps.clock.now();
      const [y, m] = month ? month.split('-').map(Number) : [now.getUTCFullYear(), now.getUTCMonth() + 1];
      const start = new Date(Date.UTC(y, m - 1, 1));
      const label = start.toISOString().slice(0, 7);
      return asKeyUser(async (tx) => {
        if (principal.accountKind === 'studio') {
          await requireKeyAccount(tx, 'studio', 'member');
          // The studio dashboard's own report, read as of that month: it compares it with the month before.
          const r = await studioSummary(tx, principal.accountId, { now: () => start });
          return {
            account_kind: 'studio',
            month: label,
            currency: r.currency,
            gross: r.current.gross,
            refunds: r.current.refunds,
            net: r.current.net,
            order_count: r.current.orderCount,
            previous_month: {
              month: r.previous.month,
              gross: r.previous.gross,
              refunds: r.previous.refunds,
              net: r.previous.net,
              order_count: r.previous.orderCount,
            },
            top_items: r.bestSellers.map((b) => ({ name: b.name, quantity: b.quantity, revenue: b.revenue })),
          };
        }
        if (principal.accountKind === 'artist') {
          await requireKeyAccount(tx, 'artist', 'member');
          const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
          const sales = (
            await transactionsQuery(tx, { accountId: principal.accountId, from: `${label}-01`, to: last }).execute()
          ).filter((s) => s.status !== 'duplicate_refunded'); // a second payment for a sold original never counts
          const totals = new Map<string, { order_count: number; gross: number; refunds: number; earnings: number }>();
          const items = new Map<
            string,
            { artwork_id: string; title: string; currency: string; quantity: number; revenue: number }
          >();
          for (const s of sales) {
            const currency = s.currency.trim();
            const t = totals.get(currency) ?? { order_count: 0, gross: 0, refunds: 0, earnings: 0 };
            t.order_count += 1;
            t.gross += Number(s.amount);
            t.refunds += Number(s.amount_refunded);
            t.earnings += Number(s.artist_amount);
            totals.set(currency, t);
            const key = `${s.artwork_id}:${currency}`;
            const i = items.get(key) ?? { artwork_id: s.artwork_id, title: s.title, currency, quantity: 0, revenue: 0 };
            i.quantity += 1;
            i.revenue += Number(s.amount) - Number(s.amount_refunded);
            items.set(key, i);
          }
          return {
            account_kind: 'artist',
            month: label,
            totals: [...totals].map(([currency, t]) => ({
              currency,
              order_count: t.order_count,
              gross: t.gross,
              refunds: t.refunds,
              net: t.gross - t.refunds,
              artist_earnings: t.earnings,
            })),
            top_items: [...items.values()].sort((a, b) => b.revenue - a.revenue || b.quantity - a.quantity).slice(0, 5),
          };
        }
        throw notFound('Studio or artist');
      });
    },
  );

  const lotOut = (l: Lot) => ({
    lot_id: l.id,
    provider_id: l.providerId,
    organization_id: l.organizationId,
    order_id: l.orderId,
    minutes_granted: l.minutesGranted,
    balance_minutes: l.balanceMinutes,
    expires_at: l.expiresAt,
    expired_at: l.expiredAt,
    created_at: l.createdAt,
  });

  // Credits are read by an organization's members and a provider's admins only (docs/credits.md).
  async function creditsSide(tx: DB): Promise<'organization' | 'provider'> {
    if (principal.accountKind === 'organization') {
      await requireKeyAccount(tx, 'organization', 'member');
      return 'organization';
    }
    if (principal.accountKind === 'provider') {
      await requireKeyAccount(tx, 'provider', 'admin');
      requireKeyAdmin();
      return 'provider';
    }
    throw notFound('Organization or provider');
  }

  tool(
    'get_credit_balance',
    "Get prepaid expert-service minutes: an organization key sees its balance per provider; a provider admin key sees each customer's balance.",
    {},
    async () =>
      asKeyUser(async (tx) => {
        if ((await creditsSide(tx)) === 'organization') {
          const balances = await getBalances(tx, principal.accountId, deps.clock);
          return {
            account_kind: 'organization',
            balances: balances.map((b) => ({
              provider_id: b.providerId,
              provider_name: b.providerName,
              minutes: b.minutes,
              next_expiry: b.nextExpiry,
            })),
          };
        }
        const customers = await listCustomers(tx, principal.accountId, deps.clock);
        return {
          account_kind: 'provider',
          customers: customers.map((c) => ({
            organization_id: c.organizationId,
            name: c.name,
            balance_minutes: c.balanceMinutes,
            first_purchase_at: c.firstPurchaseAt,
          })),
        };
      }),
  );

  tool(
    'list_credit_lots',
    'List purchased credit lots (minutes granted, left and when they expire), first-expiring first; optionally only those with one provider or customer organization.',
    {
      counterparty_id: z
        .uuid()
        .optional()
        .describe('For an organization key, a provider id; for a provider key, a customer organization id'),
    },
    async ({ counterparty_id }) =>
      asKeyUser(async (tx) => {
        const side = await creditsSide(tx);
        const lots = await listLots(
          tx,
          side === 'organization'
            ? { organizationId: principal.accountId, providerId: counterparty_id }
            : { providerId: principal.accountId, organizationId: counterparty_id },
        );
        return { lots: lots.map(lotOut) };
      }),
  );

  tool(
    'log_service_time',
    "Log time your provider worked for a customer organization; it is paid from the customer's prepaid minutes, first-expiring lot first (fails with insufficient_balance when short).",
    {
      organization_id: z.uuid().describe('The customer organization'),
      minutes: z.number().int().min(1).max(100_000).describe('Whole minutes worked'),
      note: z.string().trim().max(500).default('').describe('What was done'),
      worked_on: z.iso.date().describe('The day the work happened, YYYY-MM-DD'),
    },
    async ({ organization_id, minutes, note, worked_on }) =>
      asKeyUser(async (tx) => {
        if (principal.accountKind !== 'provider') throw notFound('Provider');
        await requireKeyAccount(tx, 'provider', 'member');
        // Members may log time but not read balances (RLS), so the write and its checks run as service role,
        // exactly like POST /api/providers/{id}/usage.
        return withService(tx, async (s) => {
          const customer = await s
            .selectFrom('provider_customers')
            .select('organization_account_id')
            .where('provider_account_id', '=', principal.accountId)
            .where('organization_account_id', '=', organization_id)
            .executeTakeFirst();
          if (!customer) throw notFound('Customer');
          const r = await consumeMinutes(
            s,
            {
              providerId: principal.accountId,
              organizationId: organization_id,
              minutes,
              note,
              workedOn: worked_on,
              actorUserId: principal.userId,
            },
            deps.clock,
          );
          const balance = await getBalances(s, organization_id, deps.clock);
          return {
            usage_id: r.usageId,
            taken: r.taken.map((t) => ({ lot_id: t.lotId, minutes: t.minutes })),
            balance_minutes: balance.find((b) => b.providerId === principal.accountId)?.minutes ?? 0,
          };
        });
      }),
    false,
  );

  tool(
    'create_artwork_checkout',
    'Reserve a marketplace artwork for a buyer and return a Stripe Checkout link for them to pay (originals are held while the link is payable).',
    {
      artwork_id: z.uuid().describe('The artwork id, from search_artworks'),
      buyer_email: z.email().max(254).describe("The buyer's email address; the receipt goes there"),
    },
    async ({ artwork_id, buyer_email }) => {
      const base = deps.config.publicUrl.replace(/\/$/, '');
      // The guest checkout of POST /api/marketplace/artworks/{id}/checkout: the buyer pays by the link.
      const r = await startArtworkCheckout(
        db,
        deps.stripe,
        deps.commerce,
        deps.clock,
        { artworkId: artwork_id, buyer: { email: buyer_email }, channel: MCP_CHANNEL },
        (orderId) => ({
          successUrl: `${base}/art/${artwork_id}/purchased?session_id={CHECKOUT_SESSION_ID}`,
          cancelUrl: `${base}/art/${artwork_id}?checkout=cancelled&order=${orderId}`,
        }),
      ).catch((err) => {
        throw upstream(err);
      });
      const order = await withService(db, (tx) => getOrder(tx, r.orderId));
      return {
        order_id: order.id,
        checkout_url: r.checkoutUrl,
        status: order.status,
        currency: order.currency,
        subtotal: order.subtotal,
        shipping: order.shipping,
        total: order.total,
        buyer_email: order.buyerEmail,
      };
    },
    false,
  );

  return server;
}

/** Option value ids for the given labels: one per group, single-value groups implied; unknown labels are named. */
function chooseOptions(product: Product, labels: string[], index: number): string[] {
  const norm = (s: string) => s.trim().toLowerCase();
  const wanted = labels.map(norm);
  const known = new Set(product.groups.flatMap((g) => g.values.map((v) => norm(v.label))));
  const unknown = labels.find((l) => !known.has(norm(l)));
  if (unknown !== undefined) {
    throw invalid(`items.${index}.variant`, `Unknown option "${unknown}" for ${product.sku}`);
  }
  const ids = product.groups.map((group) => {
    const hits = group.values.filter((v) => wanted.includes(norm(v.label)));
    if (hits.length > 1) {
      throw invalid(`items.${index}.variant`, `Choose one ${group.name} for ${product.sku}, not several`);
    }
    const chosen = hits[0] ?? (group.values.length === 1 ? group.values[0] : undefined);
    if (!chosen) {
      const options = group.values.map((v) => `"${v.label}"`).join(', ');
      throw invalid(`items.${index}.variant`, `Choose a ${group.name} for ${product.sku}: one of ${options}`);
    }
    return chosen.id;
  });
  return ids;
}
