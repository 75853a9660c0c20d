import type { ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { CheckCircleIcon, CompassIcon } from '../../components/icons.tsx';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Button,
  Card,
  CardContent,
  CardHeader,
  CardSkeleton,
  CardTitle,
  EmptyState,
  ErrorAlert,
} from '../../components/ui/index.ts';
import { isApiError } from '../../lib/api.ts';
import { useSession } from '../../lib/session.tsx';
import { OrderTotals } from './amount.tsx';
import { type CheckoutSummary, type OrderStatus, useCheckoutSummary } from './api.ts';
import { OrderItemsTable } from './order-page.tsx';
import { OrderStatusBadge, orderRef } from './status.tsx';

/** Reads `?session_id=` from the return URL and settles/polls that Checkout session, if the id looks like one. */
export function useCheckoutFromUrl() {
  const [params] = useSearchParams();
  const sessionId = params.get('session_id') ?? '';
  // Don't send junk to the API: a mangled link gets its own "couldn't find your checkout" page.
  const valid = /^cs_\w+$/.test(sessionId);
  const summary = useCheckoutSummary(valid ? sessionId : '');
  return { valid, summary };
}

/** Whether a returned-from-Checkout order is paid, still settling, or did not go through. */
export function checkoutOutcome(status: OrderStatus): 'paid' | 'pending' | 'failed' {
  if (status === 'pending') return 'pending';
  if (status === 'expired' || status === 'payment_failed') return 'failed';
  return 'paid';
}

/** Placeholder while the first settle/poll of a Checkout session is in flight. */
export function ConfirmingPayment() {
  return (
    <PageContainer size="narrow" className="py-12">
      <p className="mb-4 text-sm text-muted" role="status">
        Confirming your payment…
      </p>
      <CardSkeleton label="Confirming your payment" />
    </PageContainer>
  );
}

/** The order behind a Checkout session: reference, status, items and totals, plus anything page-specific below. */
export function CheckoutReceiptCard({
  summary,
  testId,
  children,
}: {
  summary: CheckoutSummary;
  testId: string;
  children?: ReactNode;
}) {
  return (
    <Card data-testid={testId}>
      <CardHeader>
        <CardTitle className="flex flex-wrap items-center gap-3">
          Order{' '}
          <span className="font-mono" data-screenshot="mask">
            {orderRef(summary.orderId)}
          </span>
          <OrderStatusBadge status={summary.status} />
        </CardTitle>
      </CardHeader>
      <CardContent className="grid gap-5">
        <OrderItemsTable items={summary.items} currency={summary.currency} />
        <OrderTotals totals={summary} />
        {children}
      </CardContent>
    </Card>
  );
}

/** A full-page notice after Checkout (cancelled, or a link without its session) with one way back. */
export function CheckoutNotice({
  title,
  description,
  backTo,
  backLabel,
  className = 'py-16',
}: {
  title: string;
  description: string;
  backTo: string;
  backLabel: string;
  className?: string;
}) {
  return (
    <PageContainer size="narrow" className={className}>
      <EmptyState
        as="h1"
        icon={CompassIcon}
        title={title}
        description={description}
        action={
          <Button asChild variant="secondary">
            <Link to={backTo}>{backLabel}</Link>
          </Button>
        }
      />
    </PageContainer>
  );
}

/** The summary could not be loaded: the error, and a reminder not to pay twice. */
export function CheckoutFailure({
  error,
  onRetry,
  title,
  note,
}: {
  error: unknown;
  onRetry?: () => void;
  title: string;
  note: string;
}) {
  return (
    <PageContainer size="narrow" className="py-12">
      <ErrorAlert error={error} onRetry={onRetry} title={title} />
      <p className="mt-4 text-sm text-muted">{note}</p>
    </PageContainer>
  );
}

/** The outcome line over the receipt: green check once done, amber while waiting or after a failure. */
export function CheckoutHeading({ done, title, text }: { done: boolean; title: string; text: string }) {
  return (
    <div className="mb-6 flex items-start gap-3">
      <CheckCircleIcon size={28} className={done ? 'mt-1 text-emerald-600' : 'mt-1 text-amber-600'} />
      <div className="grid gap-1">
        <h1 className="font-display text-2xl font-semibold tracking-tight">{title}</h1>
        <p className="text-sm text-muted">{text}</p>
      </div>
    </div>
  );
}

/** `/checkout/success?session_id=…`: settles the session (racing the webhook is safe) and shows the order. */
export function CheckoutSuccessPage() {
  const { valid, summary } = useCheckoutFromUrl();
  const { user } = useSession();

  if (!valid) {
    return (
      <CheckoutNotice
        title="We couldn’t find your checkout"
        description="This link is missing its checkout reference. If you paid, your receipt and invoice are in your email."
        backTo="/"
        backLabel="Back to home"
      />
    );
  }

  if (summary.isPending) return <ConfirmingPayment />;

  if (summary.isError) {
    const notFound = isApiError(summary.error) && summary.error.status === 404;
    return (
      <CheckoutFailure
        error={summary.error}
        onRetry={notFound ? undefined : () => summary.refetch()}
        title={notFound ? 'We couldn’t find this checkout' : 'We couldn’t confirm your payment yet'}
        note="If you were charged, don’t pay again: your order is confirmed by email as soon as the payment arrives."
      />
    );
  }

  const s = summary.data;
  const paid = checkoutOutcome(s.status) === 'paid';
  return (
    <PageContainer size="narrow" className="py-12">
      <CheckoutHeading
        done={paid}
        title={paid ? 'Thank you — your order is confirmed' : 'We’re waiting for your payment'}
        text={
          paid
            ? `${s.sellerName ? `${s.sellerName} has received your order. ` : ''}A receipt and invoice are on their way to your inbox.`
            : 'This can take a moment. We’ll email you as soon as it’s confirmed.'
        }
      />
      <CheckoutReceiptCard summary={s} testId="checkout-summary">
        {s.invoice ? (
          <p className="text-sm">
            Invoice {s.invoice.number}
            {user ? (
              <>
                {' · '}
                <a
                  className="text-accent-800 underline-offset-2 hover:underline"
                  href={`/invoices/${s.invoice.id}`}
                  target="_blank"
                  rel="noreferrer"
                >
                  View invoice
                </a>
              </>
            ) : (
              <span className="text-muted"> · the link is in your confirmation email</span>
            )}
          </p>
        ) : null}
      </CheckoutReceiptCard>
    </PageContainer>
  );
}

/** `/checkout/cancelled`: the buyer left Checkout without paying. */
export function CheckoutCancelledPage() {
  return (
    <CheckoutNotice
      className="py-16 sm:py-24"
      title="Checkout cancelled"
      description="No payment was taken. Your order is kept for a little while, so you can go back and finish it whenever you’re ready."
      backTo="/"
      backLabel="Back to home"
    />
  );
}
