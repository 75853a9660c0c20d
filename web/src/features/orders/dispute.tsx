import { Alert, Badge, type BadgeTone } from '../../components/ui/index.ts';
import type { Schemas } from '../../lib/api-types.ts';
import { formatDate, formatRelative } from '../../lib/format.ts';
import { formatMoney } from './money.ts';

// The generated component is nullable (an order's dispute may be null); one dispute is not.
export type Dispute = NonNullable<Schemas['Dispute']>;

const reasons: Record<string, string> = {
  fraudulent: 'Fraudulent',
  product_not_received: 'Product not received',
  product_unacceptable: 'Product unacceptable',
  duplicate: 'Duplicate charge',
  subscription_canceled: 'Subscription cancelled',
  credit_not_processed: 'Credit not processed',
  unrecognized: 'Unrecognised charge',
  general: 'General inquiry',
};

/** Stripe refuses refunds of a charge under a chargeback, and of one lost to a dispute. */
export function disputeBlocksRefund(dispute: Dispute | null | undefined): boolean {
  return dispute?.outcome === 'lost' || (dispute?.outcome === 'open' && !dispute.isChargeRefundable);
}

/** Stripe's reason code as a seller reads it. */
export function disputeReasonLabel(reason: string): string {
  return reasons[reason] ?? reason.replaceAll('_', ' ');
}

const outcome: Record<Dispute['outcome'], { label: string; tone: BadgeTone }> = {
  open: { label: 'Disputed', tone: 'danger' },
  won: { label: 'Dispute won', tone: 'success' },
  lost: { label: 'Dispute lost', tone: 'neutral' },
};

/** "Disputed" / "Dispute won" / "Dispute lost", beside the order's status. */
export function DisputeBadge({ dispute, className }: { dispute: Dispute; className?: string }) {
  const o = outcome[dispute.outcome];
  return (
    <Badge
      tone={o.tone}
      className={className}
      data-testid="dispute-badge"
      data-outcome={dispute.outcome}
      title={`${disputeReasonLabel(dispute.reason)} · ${formatMoney(dispute.amount, dispute.currency)}`}
    >
      {o.label}
    </Badge>
  );
}

/** The line under a list row's badge: reason, amount and, while open, when evidence is due. */
export function DisputeSummary({ dispute }: { dispute: Dispute }) {
  return (
    <span className="mt-1 block text-xs text-muted">
      {disputeReasonLabel(dispute.reason)} · {formatMoney(dispute.amount, dispute.currency)}
      {dispute.outcome === 'open' && dispute.evidenceDueBy ? ` · due ${formatDate(dispute.evidenceDueBy)}` : ''}
    </span>
  );
}

/** The order page's dispute panel: what is disputed, by when to answer, and where. */
export function DisputePanel({ dispute }: { dispute: Dispute }) {
  const amount = formatMoney(dispute.amount, dispute.currency);
  const due = dispute.evidenceDueBy;
  const overdue = due ? new Date(due).getTime() < Date.now() : false;
  const title =
    dispute.outcome === 'open'
      ? `This payment is disputed: ${amount}`
      : dispute.outcome === 'won'
        ? `Dispute won: ${amount}`
        : `Dispute lost: ${amount} returned to the cardholder`;
  const variant = dispute.outcome === 'open' ? 'warning' : dispute.outcome === 'won' ? 'success' : 'info';
  return (
    <Alert
      variant={variant}
      title={title}
      className="mb-6"
      action={
        <a
          href={dispute.dashboardUrl}
          target="_blank"
          rel="noreferrer"
          className="font-medium underline underline-offset-2"
          data-testid="dispute-respond"
        >
          {dispute.outcome === 'open' ? 'Respond in Stripe' : 'View in Stripe'}
          <span className="sr-only"> (opens in a new tab)</span>
        </a>
      }
    >
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-0.5" data-testid="dispute-details">
        <dt>Reason</dt>
        <dd>{disputeReasonLabel(dispute.reason)}</dd>
        {dispute.outcome === 'open' && due ? (
          <>
            <dt>Evidence due</dt>
            <dd>
              <time dateTime={due}>{formatDate(due)}</time> ({formatRelative(due)}){overdue ? ' · overdue' : ''}
            </dd>
          </>
        ) : null}
        <dt>Stripe status</dt>
        <dd>{dispute.status.replaceAll('_', ' ')}</dd>
      </dl>
      {dispute.outcome === 'open' ? (
        <p className="mt-1">
          {dispute.isChargeRefundable
            ? 'Answer with evidence in Stripe before the due date; unanswered disputes are lost.'
            : 'Answer with evidence in Stripe before the due date; unanswered disputes are lost. The payment cannot be refunded while the dispute is open.'}
          {dispute.platformLiable ? ' The platform bears this marketplace dispute.' : ''}
        </p>
      ) : null}
    </Alert>
  );
}
