import { Link, useParams } from 'react-router';
import { ChevronLeftIcon } from '../../components/icons.tsx';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Card,
  CardContent,
  CardHeader,
  CardSkeleton,
  CardTitle,
  EmptyState,
  ErrorAlert,
  PageHeader,
  Skeleton,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '../../components/ui/index.ts';
import { isApiError } from '../../lib/api.ts';
import { useSession } from '../../lib/session.tsx';
import { OrderTotals } from './amount.tsx';
import { type OrderDetail, type OrderLine, useOrder } from './api.ts';
import { ChannelBadge } from './channel.tsx';
import { DisputeBadge, DisputePanel, disputeBlocksRefund } from './dispute.tsx';
import { formatMoney } from './money.ts';
import { RefundDialog } from './refund-dialog.tsx';
import { actorLabel, formatDateTime, OrderStatusBadge, offeringLabel, orderRef, statusLabel } from './status.tsx';

function optionsText(options: Record<string, unknown>): string {
  return Object.entries(options ?? {})
    .map(([k, v]) => `${k}: ${typeof v === 'string' || typeof v === 'number' ? v : JSON.stringify(v)}`)
    .join(', ');
}

export function OrderItemsTable({ items, currency }: { items: OrderLine[]; currency: string }) {
  return (
    <Table label="Items">
      <TableHeader>
        <TableRow>
          <TableHead>Item</TableHead>
          <TableHead className="text-right">Unit price</TableHead>
          <TableHead className="text-right">Qty</TableHead>
          <TableHead className="text-right">Line total</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((item, i) => (
          <TableRow key={item.id ?? `${i}-${item.name}`}>
            <TableCell>
              <span className="font-medium">{item.name}</span>
              {Object.keys(item.options ?? {}).length ? (
                <span className="block text-xs text-muted">{optionsText(item.options)}</span>
              ) : null}
            </TableCell>
            <TableCell className="whitespace-nowrap text-right tabular-nums">
              {formatMoney(item.unitAmount, currency)}
            </TableCell>
            <TableCell className="text-right tabular-nums">{item.quantity}</TableCell>
            <TableCell className="whitespace-nowrap text-right tabular-nums">
              {formatMoney(item.lineTotal, currency)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function History({ order }: { order: OrderDetail }) {
  if (order.history.length === 0) return <p className="text-sm text-muted">No status changes yet.</p>;
  return (
    <ol className="relative grid gap-4 border-l border-border pl-5" aria-label="Status history">
      {order.history.map((h) => (
        <li key={`${h.toStatus}-${h.createdAt}`} className="relative">
          <span
            aria-hidden="true"
            className="absolute top-1.5 -left-[1.6rem] size-2.5 rounded-full border-2 border-surface bg-accent-600"
          />
          <p className="text-sm">
            {h.fromStatus ? (
              <>
                <span className="text-muted">{statusLabel(h.fromStatus)}</span> →{' '}
              </>
            ) : null}
            <span className="font-medium">{statusLabel(h.toStatus)}</span>
          </p>
          <p className="text-xs text-muted">
            {actorLabel(h.actor)} · <time dateTime={h.createdAt}>{formatDateTime(h.createdAt)}</time>
            {h.reason ? ` · ${h.reason}` : ''}
          </p>
        </li>
      ))}
    </ol>
  );
}

function Refunds({ order }: { order: OrderDetail }) {
  if (order.refunds.length === 0) return <p className="text-sm text-muted">No refunds.</p>;
  return (
    <ul className="grid gap-2 text-sm" aria-label="Refunds" data-testid="refunds">
      {order.refunds.map((r) => (
        <li key={r.id} className="flex flex-wrap items-baseline justify-between gap-2">
          <span>
            <span className="font-medium tabular-nums">{formatMoney(r.amount, order.currency)}</span>{' '}
            <span className="text-muted">
              {r.status}
              {r.reason ? ` · ${r.reason.replaceAll('_', ' ')}` : ''}
            </span>
          </span>
          <time className="text-xs text-muted" dateTime={r.createdAt}>
            {formatDateTime(r.createdAt)}
          </time>
        </li>
      ))}
    </ul>
  );
}

function Documents({ order }: { order: OrderDetail }) {
  const link = 'text-accent-800 underline-offset-2 hover:underline';
  if (!order.invoice && !order.receiptUrl) return <p className="text-sm text-muted">Issued once the order is paid.</p>;
  return (
    <ul className="grid gap-2 text-sm">
      {order.invoice ? (
        <li className="flex flex-wrap gap-x-3 gap-y-1">
          <span>Invoice {order.invoice.number}</span>
          {/* Server-rendered pages, not SPA routes: plain links. */}
          <a className={link} href={`/invoices/${order.invoice.id}`} target="_blank" rel="noreferrer">
            View invoice
          </a>
          <a className={link} href={`/invoices/${order.invoice.id}.pdf`} target="_blank" rel="noreferrer">
            PDF
          </a>
        </li>
      ) : null}
      {order.receiptUrl ? (
        <li>
          <a className={link} href={order.receiptUrl} target="_blank" rel="noreferrer">
            Stripe receipt
          </a>
        </li>
      ) : null}
    </ul>
  );
}

const REFUNDABLE = new Set(['paid', 'fulfilled', 'partially_refunded']);

export function OrderPage() {
  const { orderId = '' } = useParams();
  const order = useOrder(orderId);
  const { user, memberships } = useSession();

  const back = (
    <Link to="/app/orders" className="inline-flex items-center gap-1 text-sm text-muted hover:text-foreground">
      <ChevronLeftIcon size={16} />
      All orders
    </Link>
  );

  if (order.isPending) {
    return (
      <PageContainer>
        {back}
        <div className="mt-4 grid gap-4" role="status" aria-label="Loading order">
          <Skeleton className="h-8 w-64" />
          <CardSkeleton label="Loading items" />
          <CardSkeleton label="Loading totals" />
        </div>
      </PageContainer>
    );
  }
  if (order.isError) {
    return (
      <PageContainer>
        {back}
        <div className="mt-4">
          {isApiError(order.error) && order.error.status === 404 ? (
            <EmptyState title="Order not found" description="It may belong to another account, or the link is wrong." />
          ) : (
            <ErrorAlert error={order.error} onRetry={() => order.refetch()} title="Could not load this order" />
          )}
        </div>
      </PageContainer>
    );
  }

  const o = order.data;
  const role = memberships.find((m) => m.accountId === o.accountId)?.role;
  const canRefund =
    (role === 'owner' || role === 'admin' || Boolean(user?.isPlatformAdmin)) &&
    REFUNDABLE.has(o.status) &&
    !disputeBlocksRefund(o.dispute);

  return (
    <PageContainer>
      {back}
      <PageHeader
        className="mt-3"
        eyebrow={`${offeringLabel(o.offeringType)} order · ${formatDateTime(o.createdAt)}`}
        title={
          <span className="flex flex-wrap items-center gap-3">
            Order <span className="font-mono">{orderRef(o.id)}</span>
            <OrderStatusBadge status={o.status} className="font-sans tracking-normal" />
            {o.dispute ? <DisputeBadge dispute={o.dispute} className="font-sans tracking-normal" /> : null}
          </span>
        }
        description={
          <span className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <span className="min-w-0 break-words">{`Bought by ${o.buyerEmail}${o.paidAt ? ` · paid ${formatDateTime(o.paidAt)}` : ''}`}</span>
            <ChannelBadge channel={o.channel} agentPlatformName={o.agentPlatformName} />
          </span>
        }
        actions={canRefund ? <RefundDialog order={o} /> : null}
      />
      {o.dispute ? <DisputePanel dispute={o.dispute} /> : null}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[1fr_20rem]">
        <div className="grid min-w-0 content-start gap-6">
          {/* Not a labelled section: the items table is already the "Items" region (axe: landmark-unique). */}
          <div className="grid grid-cols-1 gap-3">
            <h2 className="text-lg font-semibold">Items</h2>
            <OrderItemsTable items={o.items} currency={o.currency} />
          </div>
          <Card>
            <CardHeader>
              <CardTitle>History</CardTitle>
            </CardHeader>
            <CardContent>
              <History order={o} />
            </CardContent>
          </Card>
        </div>
        <div className="grid content-start gap-6">
          <Card>
            <CardHeader>
              <CardTitle>Totals</CardTitle>
            </CardHeader>
            <CardContent>
              <OrderTotals totals={{ ...o, lostToDispute: o.dispute?.amountReturned ?? 0 }} />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Refunds</CardTitle>
            </CardHeader>
            <CardContent>
              <Refunds order={o} />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Invoice &amp; receipt</CardTitle>
            </CardHeader>
            <CardContent>
              <Documents order={o} />
            </CardContent>
          </Card>
        </div>
      </div>
    </PageContainer>
  );
}
