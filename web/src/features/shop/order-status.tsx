import { Badge, type BadgeTone } from '../../components/ui/index.ts';
import type { FulfilmentStatus } from './orders-api.ts';

export const fulfilmentLabels: Record<FulfilmentStatus, string> = {
  paid: 'Paid',
  in_production: 'In production',
  shipped: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
};

const tones: Record<FulfilmentStatus, BadgeTone> = {
  paid: 'accent',
  in_production: 'warning',
  shipped: 'info',
  delivered: 'success',
  cancelled: 'neutral',
};

/** A print order's physical state as a badge. */
export function FulfilmentBadge({ status }: { status: FulfilmentStatus }) {
  return <Badge tone={tones[status]}>{fulfilmentLabels[status]}</Badge>;
}

/** A shipping address (Stripe's fields, snake- or camel-cased) as lines in reading order; missing parts are left out. */
export function addressLines(a: Record<string, string | null> | null, name?: string | null): string[] {
  if (!a) return [];
  const city = [a.postalCode ?? a.postal_code, a.city].filter(Boolean).join(' ');
  return [name ?? a.name, a.line1, a.line2, city, a.state, a.country].filter((x): x is string => !!x);
}
