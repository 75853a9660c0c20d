import { useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Alert,
  Badge,
  type BadgeTone,
  Card,
  CardContent,
  CardHeader,
  CardSkeleton,
  CardTitle,
  EmptyState,
  ErrorAlert,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Textarea,
  useToast,
} from '../../components/ui/index.ts';
import { isApiError } from '../../lib/api.ts';
import { useSession } from '../../lib/session.tsx';
import { useOrder } from '../orders/api.ts';
import { DisputeBadge, DisputePanel } from '../orders/dispute.tsx';
import { formatMoney } from '../orders/money.ts';
import { RefundAmountDialog } from '../orders/refund-dialog.tsx';
import { purchaseApi, type SaleDetail, type SaleStatus, useSale } from './api.ts';

const statusLabel: Record<SaleStatus, string> = {
  paid: 'Paid',
  shipped: 'Shipped',
  delivered: 'Delivered',
  partially_refunded: 'Partially refunded',
  refunded: 'Refunded',
  duplicate_refunded: 'Refunded (sold to someone else first)',
};
const statusTone: Record<SaleStatus, BadgeTone> = {
  paid: 'success',
  shipped: 'info',
  delivered: 'success',
  partially_refunded: 'warning',
  refunded: 'neutral',
  duplicate_refunded: 'neutral',
};

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

function Row({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="flex justify-between gap-4 py-1 text-sm">
      <dt className="text-muted">{label}</dt>
      <dd className="text-right font-medium" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

/** The sale's payment dispute, if any, read from its order (artists and platform admins may read it). */
function SaleDispute({ orderId }: { orderId: string }) {
  const order = useOrder(orderId);
  const dispute = order.data?.dispute;
  if (!dispute) return null;
  return (
    <div className="grid gap-2">
      <div>
        <DisputeBadge dispute={dispute} />
      </div>
      <DisputePanel dispute={dispute} />
    </div>
  );
}

/** `/marketplace/sales/:id`: one sale as the artist and admins see it, with refunds and the refund form. */
export function SalePage() {
  const { id = '' } = useParams();
  const q = useSale(id);
  const { user, memberships } = useSession();

  if (q.isPending) {
    return (
      <PageContainer className="py-8">
        <CardSkeleton label="Loading sale" />
      </PageContainer>
    );
  }
  if (q.isError) {
    const missing = isApiError(q.error) && q.error.status === 404;
    return (
      <PageContainer className="py-8">
        {missing ? (
          <EmptyState as="h1" title="Sale not found" description="It doesn’t exist or isn’t one of yours." />
        ) : (
          <ErrorAlert error={q.error} onRetry={q.refetch} title="Could not load this sale" />
        )}
      </PageContainer>
    );
  }
  const s = q.data;
  const m = (n: number) => formatMoney(n, s.currency);
  const role = memberships.find((x) => x.accountId === s.accountId)?.role;
  const canRefund = Boolean(user?.isPlatformAdmin || role === 'owner' || role === 'admin');
  const address = s.shippingAddress;

  return (
    <PageContainer className="grid gap-6 py-8">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="flex items-center gap-4">
          {s.artwork.thumbUrl ? <img src={s.artwork.thumbUrl} alt="" className="size-16 rounded object-cover" /> : null}
          <div className="grid gap-1">
            <h1 className="font-display text-2xl font-semibold tracking-tight">Sale of {s.artwork.title}</h1>
            <p className="text-sm text-muted">
              {s.artist.name} · {when(s.createdAt)} ·{' '}
              <Link className="underline" to={`/art/${s.artwork.id}`}>
                View artwork
              </Link>
            </p>
          </div>
        </div>
        <div className="flex items-center gap-3">
          <Badge tone={statusTone[s.status]} data-testid="sale-status">
            {statusLabel[s.status]}
          </Badge>
          {canRefund ? <RefundSaleDialog sale={s} /> : null}
        </div>
      </div>

      <SaleDispute orderId={s.orderId} />

      {s.amountOwed > 0 ? (
        <Alert variant="warning" title="Amount owed by the artist">
          The artist’s Stripe balance could not cover {m(s.amountOwed)} of the refunds. It is recovered from their next
          payouts.
        </Alert>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Money</CardTitle>
          </CardHeader>
          <CardContent>
            <dl className="divide-y divide-border">
              <Row label="Buyer paid" value={m(s.amount)} testId="sale-amount" />
              <Row label="Price" value={m(s.priceAmount)} />
              <Row label="Shipping" value={m(s.shippingAmount)} />
              <Row label={`Platform fee (${s.feeBps / 100}%)`} value={m(s.platformFee)} testId="sale-platform-fee" />
              <Row label="Artist receives" value={m(s.artistAmount)} testId="sale-artist-amount" />
              <Row
                label="Stripe fee (paid by the platform)"
                value={s.stripeFee == null ? 'Not known yet' : m(s.stripeFee)}
                testId="sale-stripe-fee"
              />
              <Row label="Refunded" value={m(s.amountRefunded)} testId="sale-refunded" />
              {s.amountOwed > 0 ? <Row label="Owed by the artist" value={m(s.amountOwed)} testId="sale-owed" /> : null}
            </dl>
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Buyer and shipping</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-4 text-sm">
            <div>
              <p className="font-medium">{s.buyerName ?? 'Buyer'}</p>
              <p className="text-muted">{s.buyerEmail}</p>
            </div>
            {address ? (
              <address className="not-italic" aria-label="Shipping address">
                {[
                  address.name,
                  address.line1,
                  address.line2,
                  [address.postalCode, address.city].filter(Boolean).join(' '),
                  address.state,
                  address.country,
                ]
                  .filter(Boolean)
                  .map((l) => (
                    <div key={l}>{l}</div>
                  ))}
              </address>
            ) : (
              <p className="text-muted">No shipping address was collected.</p>
            )}
            <dl>
              <Row label="Carrier" value={s.carrier ?? '—'} />
              <Row label="Tracking number" value={s.trackingNumber ?? 'Not shipped yet'} testId="sale-tracking" />
              <Row label="Shipped" value={when(s.shippedAt)} />
              <Row label="Delivered" value={when(s.deliveredAt)} />
              <Row label="Return window ends" value={when(s.returnWindowEndsAt)} />
            </dl>
            {s.trackingUrl ? (
              <a className="underline" href={s.trackingUrl} target="_blank" rel="noreferrer">
                Track the parcel
              </a>
            ) : null}
            {s.status !== 'duplicate_refunded' ? (
              <a
                className="underline"
                href={`/api/marketplace/sales/${s.id}/certificate.pdf`}
                target="_blank"
                rel="noreferrer"
              >
                Certificate of authenticity (PDF)
              </a>
            ) : null}
          </CardContent>
        </Card>
      </div>

      <Card>
        <CardHeader>
          <CardTitle>Refunds</CardTitle>
        </CardHeader>
        <CardContent>
          {s.refunds.length === 0 ? (
            <p className="text-sm text-muted">No refunds.</p>
          ) : (
            <div className="overflow-x-auto">
              <Table label="Refunds">
                <TableHeader>
                  <TableRow>
                    <TableHead>Date</TableHead>
                    <TableHead>Amount</TableHead>
                    <TableHead>Platform fee returned</TableHead>
                    <TableHead>Reversed from artist</TableHead>
                    <TableHead>Owed</TableHead>
                    <TableHead>Reason</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {s.refunds.map((r) => (
                    <TableRow key={r.id}>
                      <TableCell>{when(r.createdAt)}</TableCell>
                      <TableCell>{m(r.amount)}</TableCell>
                      <TableCell>{m(r.feeRefunded)}</TableCell>
                      <TableCell>{m(r.transferReversed)}</TableCell>
                      <TableCell>{r.amountOwed > 0 ? m(r.amountOwed) : '—'}</TableCell>
                      <TableCell>{r.reason ?? '—'}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </div>
          )}
        </CardContent>
      </Card>
    </PageContainer>
  );
}

/** Full or partial refund with a reason, then a confirmation: the artist and the platform each give back their share. */
function RefundSaleDialog({ sale }: { sale: SaleDetail }) {
  const remaining = sale.amount - sale.amountRefunded;
  const qc = useQueryClient();
  const { toast } = useToast();
  const closed = sale.status === 'refunded' || sale.status === 'duplicate_refunded' || remaining <= 0;
  return (
    <RefundAmountDialog
      title="Refund sale"
      description={`Up to ${formatMoney(remaining, sale.currency)} can be refunded to ${sale.buyerEmail}. The platform fee and the artist’s transfer are reversed in proportion.`}
      remaining={remaining}
      currency={sale.currency}
      buyerEmail={sale.buyerEmail}
      disabled={closed}
      initialReason=""
      renderReason={(reason, setReason) => (
        <Textarea name="reason" rows={2} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      )}
      validateReason={(reason) => (reason.trim() ? undefined : 'Give a reason.')}
      onConfirm={async ({ amount, kind, reason }) => {
        // A full refund omits the amount so the server refunds whatever is left at that moment.
        await purchaseApi.refund(sale.id, { ...(kind === 'partial' ? { amount } : {}), reason: reason.trim() });
        toast({
          title: 'Refund issued',
          description: `${formatMoney(amount, sale.currency)} refunded.`,
          variant: 'success',
        });
        await qc.invalidateQueries({ queryKey: ['marketplace'] });
      }}
    />
  );
}
