import { Link, useParams } from 'react-router';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Badge,
  Card,
  CardContent,
  CardHeader,
  CardTitle,
  ErrorAlert,
  PageHeader,
  PageSpinner,
} from '../../components/ui/index.ts';
import { formatDate } from '../../lib/format.ts';
import { OrderTotals } from '../orders/amount.tsx';
import { ChannelBadge } from '../orders/channel.tsx';
import { DisputeBadge, DisputePanel } from '../orders/dispute.tsx';
import { formatMoney } from '../orders/money.ts';
import { orderRef } from '../orders/status.tsx';
import { Actions } from './order-actions.tsx';
import { addressLines, FulfilmentBadge, fulfilmentLabels } from './order-status.tsx';
import { type FulfilmentStatus, type PrintLine, useStudioOrder } from './orders-api.ts';
import { NoStudio, useStudio } from './studio-galleries-page.tsx';

/** One print order for the studio: photos with crops, totals, address, timeline and the fulfilment actions. */
export function StudioOrderPage() {
  const studio = useStudio();
  const { orderId = '' } = useParams();
  if (!studio) return <NoStudio />;
  return <OrderDetail accountId={studio.accountId} orderId={orderId} />;
}

function OrderDetail({ accountId, orderId }: { accountId: string; orderId: string }) {
  const order = useStudioOrder(accountId, orderId);
  if (order.isPending) return <PageSpinner label="Loading order" />;
  if (order.isError) {
    return (
      <PageContainer>
        <ErrorAlert error={order.error} onRetry={() => order.refetch()} title="Could not load the order" />
      </PageContainer>
    );
  }
  const o = order.data;
  const money = (n: number) => formatMoney(n, o.currency);
  return (
    <PageContainer>
      <p className="mb-2 text-sm">
        <Link to="/studio/orders" className="text-accent-800 hover:underline">
          ← All print orders
        </Link>
      </p>
      <PageHeader
        eyebrow={o.gallery ? o.gallery.title : 'Print order'}
        title={`Order ${orderRef(o.id)}`}
        description={`${o.fulfilment.buyerName ? `${o.fulfilment.buyerName} · ` : ''}${o.buyerEmail} · ${formatDate(o.paidAt ?? o.createdAt)}`}
        actions={
          <div className="flex min-w-0 flex-wrap items-center gap-2">
            <div className="flex items-center gap-2" data-testid="order-status">
              <FulfilmentBadge status={o.fulfilment.status} />
              <Badge tone={o.moneyStatus === 'paid' ? 'success' : 'neutral'} className="capitalize">
                {o.moneyStatus.replace('_', ' ')}
              </Badge>
              {o.dispute ? <DisputeBadge dispute={o.dispute} /> : null}
            </div>
            <ChannelBadge channel={o.channel} agentPlatformName={o.agentPlatformName} />
          </div>
        }
      />
      {o.dispute ? <DisputePanel dispute={o.dispute} /> : null}
      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <div className="flex flex-col gap-6">
          <Card>
            <CardHeader>
              <CardTitle>Prints</CardTitle>
            </CardHeader>
            <CardContent>
              <ul className="flex flex-col divide-y divide-border" aria-label="Ordered prints">
                {o.items.map((i) => (
                  <LineItem key={i.id} line={i} money={money} />
                ))}
              </ul>
              <OrderTotals totals={{ ...o, lostToDispute: o.dispute?.amountReturned ?? 0 }} className="mt-4" />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Timeline</CardTitle>
            </CardHeader>
            <CardContent>
              <ol className="flex flex-col gap-2 text-sm" aria-label="Order timeline">
                {o.history.map((h) => (
                  <li key={h.id} className="flex flex-wrap gap-x-2">
                    <span className="font-medium">
                      {fulfilmentLabels[h.toStatus as FulfilmentStatus] ?? h.toStatus}
                    </span>
                    <time className="text-muted" dateTime={h.createdAt}>
                      {new Date(h.createdAt).toLocaleString()}
                    </time>
                    {h.actorEmail ? <span className="text-muted">by {h.actorEmail}</span> : null}
                    {h.note ? <span className="w-full text-stone-600">{h.note}</span> : null}
                  </li>
                ))}
                {o.refunds.map((r) => (
                  <li key={r.id} className="flex flex-wrap gap-x-2">
                    <span className="font-medium">Refund {money(r.amount)}</span>
                    <span className="text-muted">{r.status}</span>
                    <time className="text-muted" dateTime={r.createdAt}>
                      {new Date(r.createdAt).toLocaleString()}
                    </time>
                    {r.reason ? <span className="w-full text-stone-600">{r.reason}</span> : null}
                  </li>
                ))}
              </ol>
            </CardContent>
          </Card>
        </div>
        <div className="flex flex-col gap-6">
          <Actions accountId={accountId} order={o} />
          <Card>
            <CardHeader>
              <CardTitle>Shipping</CardTitle>
            </CardHeader>
            <CardContent className="flex flex-col gap-3 text-sm">
              {o.fulfilment.shippingAddress ? (
                <address className="not-italic" aria-label="Shipping address">
                  {addressLines(o.fulfilment.shippingAddress, o.fulfilment.buyerName).map((l) => (
                    <span key={l} className="block">
                      {l}
                    </span>
                  ))}
                </address>
              ) : (
                <p className="text-muted">No shipping address was collected.</p>
              )}
              {o.fulfilment.trackingNumber ? (
                <p data-testid="tracking">
                  {o.fulfilment.carrier} · {o.fulfilment.trackingNumber}
                  {o.fulfilment.trackingUrl ? (
                    <>
                      {' · '}
                      <a href={o.fulfilment.trackingUrl} className="underline" target="_blank" rel="noreferrer">
                        Track
                      </a>
                    </>
                  ) : null}
                </p>
              ) : null}
              <p className="text-muted">
                Fulfilled by {o.fulfilment.lab === 'studio' ? 'the studio' : o.fulfilment.lab}
                {o.fulfilment.labReference ? ` (ref. ${o.fulfilment.labReference})` : ''}
              </p>
            </CardContent>
          </Card>
        </div>
      </div>
    </PageContainer>
  );
}

function LineItem({ line, money }: { line: PrintLine; money: (n: number) => string }) {
  const c = line.crop;
  return (
    <li className="flex gap-3 py-3">
      <div className="flex h-20 w-20 shrink-0 items-center justify-center rounded bg-stone-100">
        {/* The wrapper shrinks to the image, so the crop's fractions map onto the photo itself. */}
        <div className="relative overflow-hidden">
          {line.thumbUrl ? (
            <img src={line.thumbUrl} alt={line.filename ?? 'Photo'} className="block max-h-20 max-w-20" />
          ) : null}
          {c && line.thumbUrl ? (
            <div
              data-testid="crop-overlay"
              aria-hidden
              className="absolute border-2 border-white shadow-[0_0_0_9999px_rgba(0,0,0,0.4)]"
              style={{
                left: `${c.x * 100}%`,
                top: `${c.y * 100}%`,
                width: `${c.width * 100}%`,
                height: `${c.height * 100}%`,
              }}
            />
          ) : null}
        </div>
      </div>
      <div className="min-w-0 flex-1 text-sm">
        <p className="font-medium">
          {line.quantity} × {line.productName ?? line.name}
        </p>
        <p className="truncate text-muted">{line.filename ?? 'Photo no longer in the gallery'}</p>
        {line.options.length ? <p className="text-stone-600">{line.options.join(' · ')}</p> : null}
        {c ? (
          <p className="text-xs text-muted">
            Crop {Math.round(c.width * 100)}% × {Math.round(c.height * 100)}% at {Math.round(c.x * 100)}%,{' '}
            {Math.round(c.y * 100)}%
          </p>
        ) : null}
      </div>
      <p className="whitespace-nowrap text-right text-sm tabular-nums">
        {money(line.lineTotal)}
        <span className="block text-xs text-muted">{money(line.unitAmount)} each</span>
      </p>
    </li>
  );
}
