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
