import { Badge, type BadgeTone } from '../../components/ui/index.ts';
import type { OrderStatus } from './api.ts';

const labels: Record<OrderStatus, string> = {
  pending: 'Pending',
  paid: 'Paid',
  fulfilled: 'Fulfilled',
  partially_refunded: 'Partially refunded',
  refunded: 'Refunded',
  cancelled: 'Cancelled',
  expired: 'Expired',
  payment_failed: 'Payment failed',
};

const tones: Record<OrderStatus, BadgeTone> = {
  pending: 'warning',
  paid: 'success',
  fulfilled: 'info',
  partially_refunded: 'violet',
  refunded: 'neutral',
  cancelled: 'neutral',
  expired: 'neutral',
  payment_failed: 'danger',
};

export function statusLabel(status: string): string {
  return labels[status as OrderStatus] ?? status.replaceAll('_', ' ');
}

export function OrderStatusBadge({ status, className }: { status: string; className?: string }) {
  return (
    <Badge
      tone={tones[status as OrderStatus] ?? 'neutral'}
      className={className}
      data-testid="order-status"
      data-status={status}
    >
      {statusLabel(status)}
    </Badge>
  );
}

const offeringLabels: Record<string, string> = { print: 'Print', artwork: 'Artwork', credit_bundle: 'Credit bundle' };

export function offeringLabel(type: string): string {
  return offeringLabels[type] ?? type.replaceAll('_', ' ');
}

const actorLabels: Record<string, string> = {
  user: 'Team member',
  webhook: 'Stripe webhook',
  checkout_return: 'Buyer returned from checkout',
  'job:reconcile': 'Reconciliation',
  system: 'System',
};

export function actorLabel(actor: string): string {
  return actorLabels[actor] ?? actor;
}

// One order reference format across the shop, the marketplace and the mails.
export { orderRef } from '../../../../src/commerce/order-ref.ts';

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '—' : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
