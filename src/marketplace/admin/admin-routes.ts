import type { Context } from 'hono';
import { countMeta, pageMeta, pageQuery } from '../../db/keyset.ts';
import { withService } from '../../db/tenancy.ts';
import { accountRole, platformAdmin } from '../../http/access.ts';
import type { AppEnv } from '../../http/context.ts';
import { createRouter, jsonBody, jsonResponse, route, z } from '../../http/openapi.ts';
import * as fees from '../payouts/fee-settings.ts';
import { allTransactionsCsv, artistSalesCsv } from '../sales/export.ts';
import * as analytics from './analytics.ts';

const saleStatus = z.enum(['paid', 'shipped', 'delivered', 'partially_refunded', 'refunded', 'duplicate_refunded']);
const paging = pageQuery;
const day = z.iso.date('Use a date such as 2026-03-31');
const filterFields = {
  status: saleStatus.optional(),
  accountId: z.uuid('Unknown artist').optional(),
  from: day.optional(),
  to: day.optional(),
};
const datesInOrder = (v: { from?: string; to?: string }) => !v.from || !v.to || v.from <= v.to;
const dateOrder = { message: 'The start date must not be after the end date', path: ['to'] };
const TransactionQuery = z.object({ ...filterFields, ...paging }).refine(datesInOrder, dateOrder);
const TransactionCsvQuery = z.object(filterFields).refine(datesInOrder, dateOrder);
const RefundQuery = z.object({
  accountId: z.uuid('Unknown artist').optional(),
  owed: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  ...paging,
});
const AccountParam = z.object({ accountId: z.uuid('Unknown account') });
const bps = z.number().int('Use whole basis points').min(0).max(10_000, 'At most 10000 (100%)');
const SettingsInput = z.strictObject({
  feeBps: bps,
  returnWindowDays: z.number().int().min(0).max(90, 'At most 90 days'),
});
const ArtistFeeInput = z.strictObject({ feeBps: bps.nullable() });

const money = z.number().int();
const Channel = z
  .enum(['web', 'mcp', 'acp'])
  .openapi({ description: 'Web app, an MCP API key, or an ACP agent platform' });
const MonthRow = z
  .object({
    month: z.string(),
    currency: z.string(),
    sales: z.number().int(),
    gross: money,
    refunds: money,
    gmv: money,
    fees: money,
    feesRefunded: money,
    feeRevenue: money,
  })
  .openapi('MarketplaceMonthRow');
const MetricsOut = z
  .object({
    months: z.array(z.string()),
    currencies: z.array(z.string()),
    series: z.array(MonthRow),
    totals: z.array(z.object({ currency: z.string(), sales: z.number().int(), gmv: money, feeRevenue: money })),
    conversion: z.array(
      z.object({ month: z.string(), started: z.number().int(), paid: z.number().int(), rate: z.number().nullable() }),
    ),
    conversionTotal: z.object({ started: z.number().int(), paid: z.number().int(), rate: z.number().nullable() }),
    channels: z
      .array(z.object({ channel: Channel, currency: z.string(), sales: z.number().int(), gross: money }))
      .openapi({ description: 'Sales and gross per order channel and currency over the same 12 months' }),
    top: z.object({
      artworks: z.array(
        z.object({
          artworkId: z.string(),
          title: z.string(),
          artist: z.object({ name: z.string(), slug: z.string() }),
          currency: z.string(),
          sales: z.number().int(),
          gmv: money,
          feeRevenue: money,
        }),
      ),
      artists: z.array(
        z.object({
          accountId: z.string(),
          name: z.string(),
          slug: z.string(),
          currency: z.string(),
          sales: z.number().int(),
          gmv: money,
          feeRevenue: money,
        }),
      ),
    }),
  })
  .openapi('MarketplaceMetrics');
const TransactionOut = z
  .object({
    id: z.string(),
    orderId: z.string(),
    accountId: z.string(),
    channel: Channel,
    agentPlatformName: z.string().nullable(),
    artist: z.object({ name: z.string(), slug: z.string() }),
    artwork: z.object({ id: z.string(), title: z.string() }),
    buyerEmail: z.string(),
    buyerName: z.string().nullable(),
    currency: z.string(),
    amount: money,
    platformFee: money,
    artistAmount: money,
    stripeFee: money.nullable(),
    amountRefunded: money,
    status: saleStatus,
    createdAt: z.string(),
  })
  .openapi('MarketplaceTransaction');
const RefundOut = z
  .object({
    id: z.string(),
    saleId: z.string(),
    accountId: z.string(),
    artist: z.object({ name: z.string(), slug: z.string() }),
    artworkTitle: z.string(),
    currency: z.string(),
    amount: money,
    feeRefunded: money,
    transferReversed: money,
    amountOwed: money,
    reason: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('MarketplaceRefund');
const pageOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), ...pageMeta, ...countMeta });
const SettingsOut = z
  .object({
    feeBps: z.number().int(),
    returnWindowDays: z.number().int(),
    updatedAt: z.string(),
    overrides: z.array(z.object({ accountId: z.string(), name: z.string(), slug: z.string(), feeBps: z.number() })),
  })
  .openapi('MarketplaceSettings');
const csvResponse = { 200: { description: 'CSV file', content: { 'text/csv': { schema: z.string() } } } };

function sendCsv<E extends AppEnv>(c: Context<E>, file: { filename: string; csv: string }) {
  c.header('content-type', 'text/csv; charset=utf-8');
  c.header('content-disposition', `attachment; filename="${file.filename}"`);
  c.header('cache-control', 'private, no-store');
  return c.body(file.csv, 200);
}

/** Marketplace admin: metrics, transactions, refunds, fee settings and CSV exports. */
export const marketplaceAdminRoutes = createRouter()
  .openapi(
    route({
      method: 'get',
      path: '/admin/marketplace/metrics',
      tags: ['Marketplace admin'],
      summary: 'GMV, fee revenue and conversion per month, top artworks and artists (platform admins)',
      middleware: platformAdmin(),
      responses: { 200: jsonResponse(MetricsOut) },
    }),
    async (c) => {
      const { clock } = c.get('deps');
      const out = await c.var.access.tx(async (tx) => ({
        ...(await analytics.monthlyMetrics(tx, clock)),
        channels: await analytics.channelBreakdown(tx, clock),
        top: await analytics.topSellers(tx, clock),
      }));
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/admin/marketplace/transactions',
      tags: ['Marketplace admin'],
      summary: 'Sales, filterable by status, artist and date range (platform admins)',
      middleware: platformAdmin(),
      request: { query: TransactionQuery },
      responses: { 200: jsonResponse(pageOf(TransactionOut)) },
    }),
    async (c) => {
      const f = c.req.valid('query');
      return c.json(await c.var.access.tx((tx) => analytics.listTransactions(tx, f)), 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/admin/marketplace/transactions.csv',
      tags: ['Marketplace admin'],
      summary: 'All transactions as CSV, same filters as the list (platform admins)',
      middleware: platformAdmin(),
      request: { query: TransactionCsvQuery },
      responses: csvResponse,
    }),
    async (c) => {
      const f = c.req.valid('query');
      const { clock } = c.get('deps');
      return sendCsv(c, await c.var.access.tx((tx) => allTransactionsCsv(tx, f, clock)));
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/admin/marketplace/refunds',
      tags: ['Marketplace admin'],
      summary: 'Refunds with their split and any amount the artist owes (platform admins)',
      middleware: platformAdmin(),
      request: { query: RefundQuery },
      responses: {
        200: jsonResponse(
          pageOf(RefundOut).extend({ owedTotals: z.array(z.object({ currency: z.string(), amount: money })) }),
        ),
      },
    }),
    async (c) => {
      const f = c.req.valid('query');
      return c.json(await c.var.access.tx((tx) => analytics.listRefunds(tx, f)), 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/admin/marketplace/settings',
      tags: ['Marketplace admin'],
      summary: 'Platform fee, return window and per-artist fee overrides (platform admins)',
      middleware: platformAdmin(),
      responses: { 200: jsonResponse(SettingsOut) },
    }),
    async (c) => {
      return c.json(await c.var.access.tx((tx) => fees.getFeeSettings(tx)), 200);
    },
  )
  .openapi(
    route({
      method: 'put',
      path: '/admin/marketplace/settings',
      tags: ['Marketplace admin'],
      summary: 'Set the platform fee and return window; applies to new checkouts (platform admins)',
      middleware: platformAdmin(),
      request: { body: jsonBody(SettingsInput) },
      responses: { 200: jsonResponse(SettingsOut) },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const { db, clock } = c.get('deps');
      // Settings are money configuration: written as service role only, after the route's admin check.
      const out = await withService(db, (tx) => fees.updateFeeSettings(tx, c.var.access.actor, input, clock));
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'put',
      path: '/admin/marketplace/artists/{accountId}/fee',
      tags: ['Marketplace admin'],
      summary: "Set or clear (null) an artist's fee override (platform admins)",
      middleware: platformAdmin(),
      request: { params: AccountParam, body: jsonBody(ArtistFeeInput) },
      responses: { 200: jsonResponse(z.object({ accountId: z.string(), feeBps: z.number().int().nullable() })) },
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const { feeBps } = c.req.valid('json');
      const { db, clock } = c.get('deps');
      const out = await withService(db, (tx) => fees.setArtistFee(tx, c.var.access.actor, accountId, feeBps, clock));
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/marketplace/accounts/{accountId}/sales.csv',
      tags: ['Marketplace'],
      summary: "An artist's sales as CSV (the artist's members and platform admins)",
      middleware: accountRole({ kind: 'artist', min: 'member', platformAdmins: true }),
      request: { params: AccountParam },
      responses: csvResponse,
    }),
    async (c) => {
      const { accountId } = c.req.valid('param');
      const { clock } = c.get('deps');
      const file = await c.var.access.tx((tx) => artistSalesCsv(tx, accountId, clock));
      return sendCsv(c, file);
    },
  );
