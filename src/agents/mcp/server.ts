import { randomBytes } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { requireRole } from '../../accounts/service.ts';
import { type Actor, recordAudit } from '../../audit/service.ts';
import { completeCheckoutSession } from '../../commerce/complete-checkout.ts';
import { findOrder, getOrder } from '../../commerce/orders.ts';
import { getOrderDetail, requireSalesReader } from '../../commerce/read-orders.ts';
import { requireAccountKind } from '../../db/account-kind.ts';
import { withAnon, withService, withUser } from '../../db/tenancy.ts';
import type { DB } from '../../db/types.ts';
import { AppError, forbidden, isAppError, notFound } from '../../errors.ts';
import { listPublicArtworks, priceBreakdown, publicArtwork } from '../../marketplace/catalog.ts';
import { media } from '../../marketplace/tables.ts';
import type { ModuleDeps } from '../../modules.ts';
import * as cart from '../../shop/cart.ts';
import { galleryProducts, type Product } from '../../shop/catalog.ts';
import { startPrintCheckout } from '../../shop/checkout.ts';
import { galleryByToken, getGallery } from '../../shop/galleries.ts';
import { getSettings } from '../../shop/studio.ts';
import type { ApiKeyPrincipal } from '../api-keys.ts';

/** What the MCP server needs from the assembly: the same deps the modules were built from. */
export type McpDeps = Pick<ModuleDeps, 'config' | 'db' | 'clock' | 'logger' | 'stripe' | 'commerce'>;

type Structured = Record<string, unknown>;

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
 * An MCP server whose tools act as one API key: the creator's identity under RLS (`withUser`), the key's account
 * only, and never more than the key's role. Stripe is called only outside transactions, through the same
 * functions the web checkout and success page use.
 */
export function createMcpServer(deps: McpDeps, principal: ApiKeyPrincipal): McpServer {
  const { db, logger } = deps;
  const server = new McpServer({ name: 'gallerist', version: '0.1.0' });
  const actor: Actor = { kind: 'mcp', userId: principal.userId };
  const asKeyUser = <T>(fn: (tx: DB) => Promise<T>) => withUser(db, { sub: principal.userId }, fn);

  // One short service transaction per call: the key must still be live (not revoked, creator still a member) and
  // the call is audited. Cheap: one update and one insert.
  async function admit(tool: string): Promise<void> {
    await withService(db, async (tx) => {
      const live = await tx
        .updateTable('api_keys as k')
        .set({ last_used_at: deps.clock.now() })
        .where('k.id', '=', principal.keyId)
        .where('k.revoked_at', 'is', null)
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('memberships as m')
              .innerJoin('users as u', 'u.id', 'm.user_id')
              .select('m.user_id')
              .whereRef('m.account_id', '=', 'k.account_id')
              .whereRef('m.user_id', '=', 'k.created_by')
              .where('u.suspended_at', 'is', null),
          ),
        )
        .executeTakeFirst();
      if (!Number(live.numUpdatedRows)) {
        throw new AppError('unauthenticated', 'The API key is invalid or has been revoked');
      }
      await recordAudit(tx, actor, {
        accountId: principal.accountId,
        action: 'mcp.tool_called',
        entityType: 'api_key',
        entityId: principal.keyId,
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

  // A gallery of the key's own studio, read under the creator's RLS; anything else reads as missing.
  async function studioGallery(tx: DB, galleryId: string) {
    const g = await getGallery(tx, galleryId);
    if (g.accountId !== principal.accountId) throw notFound('Gallery');
    await requireAccountKind(tx, principal.accountId, 'studio');
    await requireRole(tx, principal.accountId, principal.userId, 'member');
    return g;
  }

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
          { token: plan.token, visitorId, email: plan.email, hasAccess: () => true },
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
        await requireRole(tx, principal.accountId, principal.userId, 'member');
        await requireSalesReader(tx, principal.accountId);
        // A member key of a provider sees no sales, whatever its creator's role (docs/credits.md).
        if (principal.accountKind === 'provider' && principal.role !== 'admin') {
          throw forbidden('Only the account’s admins can see its sales');
        }
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
    'Browse published artworks on the public marketplace, newest first, 24 per page; filter by medium, price range (minor units) or artist slug.',
    {
      medium: z.enum(media).optional().describe('Only this medium'),
      min_price: z.number().int().min(0).optional().describe('Lowest price, minor units'),
      max_price: z.number().int().min(0).optional().describe('Highest price, minor units'),
      artist: z.string().max(60).optional().describe("The artist's slug"),
      page: z.number().int().min(1).max(1000).default(1).describe('Page number, from 1'),
    },
    async (q) => {
      const r = await withAnon(db, (tx) =>
        listPublicArtworks(tx, {
          medium: q.medium,
          minPrice: q.min_price,
          maxPrice: q.max_price,
          artist: q.artist,
          page: q.page,
        }),
      );
      return {
        page: r.page,
        page_size: r.pageSize,
        total: r.total,
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
