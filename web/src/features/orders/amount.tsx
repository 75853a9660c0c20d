import { Link } from 'react-router';
import { TableCell } from '../../components/ui/index.ts';
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
