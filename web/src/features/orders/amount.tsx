import { Link } from 'react-router';
import { TableCell } from '../../components/ui/index.ts';
import { cn } from '../../lib/cn.ts';
import { formatDate } from '../../lib/format.ts';
import { formatMoney } from './money.ts';

/** An order total for list tables, with what was refunded (or lost to a dispute) of it underneath. */
export function TotalWithRefund({
  total,
  refunded,
  currency,
  lostToDispute = 0,
}: {
  total: number;
  refunded: number;
  currency: string;
  lostToDispute?: number;
}) {
  return (
    <>
      {formatMoney(total, currency)}
      {refunded > 0 ? (
        <span className="block text-xs text-muted">−{formatMoney(refunded, currency)} refunded</span>
      ) : null}
      {lostToDispute > 0 ? (
        <span className="block text-xs text-muted">−{formatMoney(lostToDispute, currency)} lost to dispute</span>
      ) : null}
    </>
  );
}

/** The cells that open an order row in a list: its reference, linking to the order, and its date. */
export function OrderRefCells({ to, reference, date }: { to: string; reference: string; date: string }) {
  return (
    <>
      <TableCell className="font-medium">
        <Link to={to} className="font-mono text-accent-800 hover:underline">
          {reference}
        </Link>
      </TableCell>
      <TableCell className="whitespace-nowrap text-stone-600">
        <time dateTime={date}>{formatDate(date)}</time>
      </TableCell>
    </>
  );
}

/** The right-aligned total cell that closes an order row. */
export function OrderTotalCell({
  order,
}: {
  order: { total: number; amountRefunded: number; currency: string; dispute?: { amountReturned: number } | null };
}) {
  return (
    <TableCell className="whitespace-nowrap text-right tabular-nums">
      <TotalWithRefund
        total={order.total}
        refunded={order.amountRefunded}
        currency={order.currency}
        lostToDispute={order.dispute?.amountReturned ?? 0}
      />
    </TableCell>
  );
}

/** The money parts of an order or cart, in minor units. */
export type OrderMoney = {
  currency: string;
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  taxInclusive: boolean;
  total: number;
  amountRefunded?: number;
  /** What a lost dispute returned to the cardholder beyond the refunds (the server never counts it twice). */
  lostToDispute?: number;
  /** The Stripe promotion code and the shipping rate the buyer chose at Checkout, when it priced the order. */
  discountLabel?: string | null;
  shippingLabel?: string | null;
};

type MoneyRow = { label: string; amount: string; testId?: string };

/**
 * The rows of a totals block. Inclusive tax is already in the prices, so it is a note under the total
 * ("incl. tax"), never a line that looks added; exclusive tax is a line that adds up to the total.
 */
export function totalsRows(
  t: OrderMoney,
  opts: { discountLabel?: string; totalLabel?: string; shippingAtPayment?: boolean } = {},
) {
  const m = (v: number) => formatMoney(v, t.currency);
  const lines: MoneyRow[] = [{ label: 'Subtotal', amount: m(t.subtotal) }];
  const named = (base: string, name: string | null | undefined) => (name ? `${base} (${name})` : base);
  if (t.discount > 0) {
    const label = opts.discountLabel ?? named('Discount', t.discountLabel);
    lines.push({ label, amount: `−${m(t.discount)}`, testId: 'order-discount' });
  }
  // Chosen on the Stripe payment page: nothing to add yet, and €0.00 would read as free shipping.
  if (opts.shippingAtPayment) lines.push({ label: 'Shipping', amount: 'Chosen at payment', testId: 'order-shipping' });
  else lines.push({ label: named('Shipping', t.shippingLabel), amount: m(t.shipping), testId: 'order-shipping' });
  if (!t.taxInclusive && t.tax > 0) lines.push({ label: 'Tax', amount: m(t.tax), testId: 'order-tax' });
  const total: MoneyRow = { label: opts.totalLabel ?? 'Total', amount: m(t.total), testId: 'order-total' };
  const includedTax = t.taxInclusive && t.tax > 0 ? `incl. tax ${m(t.tax)}` : null;
  const after: MoneyRow[] = [];
  const refunded = t.amountRefunded ?? 0;
  const lost = t.lostToDispute ?? 0;
  if (refunded > 0) after.push({ label: 'Refunded', amount: `−${m(refunded)}`, testId: 'order-refunded' });
  if (lost > 0) after.push({ label: 'Lost to dispute', amount: `−${m(lost)}`, testId: 'order-dispute-lost' });
  if (refunded > 0 || lost > 0) after.push({ label: 'Net', amount: m(t.total - refunded - lost), testId: 'order-net' });
  return { lines, total, includedTax, after };
}

/** Subtotal, discount, shipping, tax and total, the same way in the cart, at checkout and on every order page. */
export function OrderTotals({
  totals,
  discountLabel,
  totalLabel,
  shippingAtPayment,
  className,
}: {
  totals: OrderMoney;
  discountLabel?: string;
  totalLabel?: string;
  /** The buyer picks shipping on the Stripe payment page: the row says so instead of an amount. */
  shippingAtPayment?: boolean;
  className?: string;
}) {
  const r = totalsRows(totals, { discountLabel, totalLabel, shippingAtPayment });
  // Each name/value pair in its own div (valid <dl>); `contents` keeps the pairs on the shared grid.
  const row = (x: MoneyRow, tone = '') => (
    <div key={x.label} className="contents">
      <dt className={tone || 'text-muted'}>{x.label}</dt>
      <dd className={`text-right tabular-nums ${tone}`} data-testid={x.testId}>
        {x.amount}
      </dd>
    </div>
  );
  return (
    <dl className={cn('grid grid-cols-[1fr_auto] gap-x-4 gap-y-1.5 text-sm', className)} data-testid="order-totals">
      {r.lines.map((x) => row(x))}
      <div className="col-span-2 mt-1 grid grid-cols-[1fr_auto] gap-x-4 border-t border-border pt-2">
        <dt className="text-base font-semibold">{r.total.label}</dt>
        <dd className="text-right text-base font-semibold tabular-nums" data-testid="order-total">
          {r.total.amount}
        </dd>
        {r.includedTax ? (
          <dd className="col-span-2 text-right text-xs text-muted" data-testid="order-tax-included">
            {r.includedTax}
          </dd>
        ) : null}
      </div>
      {r.after.map((x, i) => row(x, i === 0 ? 'text-violet-800' : ''))}
    </dl>
  );
}
