import { Link, useParams } from 'react-router';
import { PageContainer } from '../../components/page-container.tsx';
import { Alert, Button } from '../../components/ui/index.ts';
import {
  CheckoutFailure,
  CheckoutHeading,
  CheckoutNotice,
  CheckoutReceiptCard,
  ConfirmingPayment,
  checkoutOutcome,
  useCheckoutFromUrl,
} from '../orders/checkout-pages.tsx';

/** `/art/:id/purchased?session_id=…`: confirms the payment (polling while it settles) and shows the receipt. */
export function ArtworkPurchasedPage() {
  const { id = '' } = useParams();
  const { valid, summary } = useCheckoutFromUrl();

  if (!valid) {
    return (
      <CheckoutNotice
        title="We couldn’t find your checkout"
        description="This link is missing its checkout reference. If you paid, your receipt is in your email."
        backTo={`/art/${id}`}
        backLabel="Back to the artwork"
      />
    );
  }
  if (summary.isPending) return <ConfirmingPayment />;
  if (summary.isError) {
    return (
      <CheckoutFailure
        error={summary.error}
        onRetry={() => summary.refetch()}
        title="We couldn’t confirm your payment yet"
        note="If you were charged, don’t pay again: we email your receipt as soon as the payment arrives."
      />
    );
  }

  const s = summary.data;
  const outcome = checkoutOutcome(s.status);
  const pending = outcome === 'pending';
  const failed = outcome === 'failed';
  const refunded = s.status === 'refunded';
  return (
    <PageContainer size="narrow" className="py-12">
      <CheckoutHeading
        done={!pending && !failed}
        title={
          pending
            ? 'We’re waiting for your payment'
            : failed
              ? 'Your payment did not go through'
              : 'Thank you — the artwork is yours'
        }
        text={
          pending
            ? 'This can take a moment. We’ll email you as soon as it’s confirmed.'
            : failed
              ? 'No money was taken. The artwork may still be available.'
              : `${s.sellerName ?? 'The artist'} will ship it to you with tracking. A receipt is on its way to your inbox.`
        }
      />
      {refunded ? (
        <Alert variant="warning" title="Refunded" className="mb-6">
          Your payment has been refunded in full; check your email for details.
        </Alert>
      ) : null}
      <CheckoutReceiptCard summary={s} testId="purchase-receipt" />
      <div className="mt-6">
        <Button asChild variant="secondary">
          <Link to="/art">Keep browsing</Link>
        </Button>
      </div>
    </PageContainer>
  );
}
