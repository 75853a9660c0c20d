import { Alert, Card, CardContent, CardHeader, CardTitle, ErrorAlert, Spinner } from '../../components/ui/index.ts';
import { OrderTotals } from '../orders/amount.tsx';
import { formatMoney } from '../orders/money.ts';
import { orderRef } from '../orders/status.tsx';
import { addressLines } from './order-status.tsx';
import { usePrintOrderSummary } from './orders-api.ts';

/** What the client sees back from Checkout: the paid order's summary, or a note that the cart is still there. */
export function CheckoutReturn({
  token,
  state,
  sessionId,
}: {
  token: string;
  state: string;
  sessionId: string | null;
}) {
  if (state === 'cancelled') {
    return (
      <Alert className="mb-4" title="Checkout cancelled">
        Nothing was charged. Your cart is saved if you want to try again.
      </Alert>
    );
  }
  if (state !== 'success') return null;
  if (!sessionId) {
    return (
      <Alert variant="success" className="mb-4">
        Thank you! Your order is confirmed; a receipt is on its way.
      </Alert>
    );
  }
  return <OrderSummary token={token} sessionId={sessionId} />;
}

function OrderSummary({ token, sessionId }: { token: string; sessionId: string }) {
  const summary = usePrintOrderSummary(token, sessionId);
  if (summary.isPending) {
    return (
      <div className="mb-4 flex items-center gap-2 text-sm text-muted" role="status">
        <Spinner /> Confirming your payment…
      </div>
    );
  }
  if (summary.isError) {
    return (
      <div className="mb-4">
        <ErrorAlert error={summary.error} onRetry={() => summary.refetch()} title="Could not load your order" />
      </div>
    );
  }
  const s = summary.data;
  const money = (n: number) => formatMoney(n, s.currency);
  const paid = s.status !== 'pending';
  return (
    <Card className="mb-6" role="region" aria-labelledby="order-summary-title">
      <CardHeader>
        <CardTitle id="order-summary-title">
          {paid ? 'Thank you! Your order is confirmed' : 'Waiting for your payment to be confirmed'}
        </CardTitle>
      </CardHeader>
      <CardContent className="flex flex-col gap-4 text-sm">
        <p>
          Order{' '}
          <span className="font-mono" data-screenshot="mask">
            {orderRef(s.orderId)}
          </span>
          . {paid ? `A confirmation was sent to ${s.email}.` : `We will email ${s.email} once it is confirmed.`}
        </p>
        <ul className="flex flex-col gap-2" aria-label="Your prints">
          {s.items.map((i) => (
            <li key={i.id} className="flex items-center gap-3">
              {i.thumbUrl ? <img src={i.thumbUrl} alt="" className="h-12 w-12 rounded object-cover" /> : null}
              <div className="min-w-0 flex-1">
                <p className="font-medium">
                  {i.quantity} × {i.productName ?? i.name}
                </p>
                <p className="break-words text-muted">{[i.filename, ...i.options].filter(Boolean).join(' · ')}</p>
              </div>
              <span className="tabular-nums">{money(i.lineTotal)}</span>
            </li>
          ))}
        </ul>
        <OrderTotals totals={s} totalLabel="Total paid" />
        {s.shippingAddress ? (
          <div>
            <p className="font-medium">Shipping to</p>
            <address className="not-italic text-stone-600">
              {addressLines(s.shippingAddress, s.buyerName).join(', ')}
            </address>
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}
