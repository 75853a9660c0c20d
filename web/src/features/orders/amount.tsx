import { Link } from 'react-router';
import { TableCell } from '../../components/ui/index.ts';
import { cn } from '../../lib/cn.ts';
import { formatDate } from '../../lib/format.ts';
import { formatMoney } from './money.ts';

/** An order total for list tables, with what has been refunded of it underneath when anything has. */
export function TotalWithRefund({ total, refunded, currency }: { total: number; refunded: number; currency: string }) {
  return (
    <>
      {formatMoney(total, currency)}
      {refunded > 0 ? (
        <span className="block text-xs text-muted">−{formatMoney(refunded, currency)} refunded</span>
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
export function OrderTotalCell({ order }: { order: { total: number; amountRefunded: number; currency: string } }) {
  return (
    <TableCell className="whitespace-nowrap text-right tabular-nums">
      <TotalWithRefund total={order.total} refunded={order.amountRefunded} currency={order.currency} />
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
};

type MoneyRow = { label: string; amount: string; testId?: string };

/**
 * The rows of a totals block. Inclusive tax is already in the prices, so it is a note under the total
 * ("incl. tax"), never a line that looks added; exclusive tax is a line that adds up to the total.
 */
export function totalsRows(t: OrderMoney, opts: { discountLabel?: string; totalLabel?: string } = {}) {
  const m = (v: number) => formatMoney(v, t.currency);
  const lines: MoneyRow[] = [{ label: 'Subtotal', amount: m(t.subtotal) }];
  if (t.discount > 0) lines.push({ label: opts.discountLabel ?? 'Discount', amount: `−${m(t.discount)}` });
  lines.push({ label: 'Shipping', amount: m(t.shipping) });
  if (!t.taxInclusive && t.tax > 0) lines.push({ label: 'Tax', amount: m(t.tax), testId: 'order-tax' });
  const total: MoneyRow = { label: opts.totalLabel ?? 'Total', amount: m(t.total), testId: 'order-total' };
  const includedTax = t.taxInclusive && t.tax > 0 ? `incl. tax ${m(t.tax)}` : null;
  const after: MoneyRow[] = [];
  if ((t.amountRefunded ?? 0) > 0) {
    const refunded = t.amountRefunded ?? 0;
    after.push({ label: 'Refunded', amount: `−${m(refunded)}`, testId: 'order-refunded' });
    after.push({ label: 'Net', amount: m(t.total - refunded) });
  }
  return { lines, total, includedTax, after };
}

/** Subtotal, discount, shipping, tax and total, the same way in the cart, at checkout and on every order page. */
export function OrderTotals({
  totals,
  discountLabel,
  totalLabel,
  className,
}: {
  totals: OrderMoney;
  discountLabel?: string;
  totalLabel?: string;
  className?: string;
}) {
  const r = totalsRows(totals, { discountLabel, totalLabel });
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
