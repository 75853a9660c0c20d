import { CursorResults, useCursorPages } from '../../components/cursor-results.tsx';
import {
  Alert,
  Badge,
  type BadgeTone,
  Card,
  CardContent,
  CardSkeleton,
  EmptyState,
  ErrorAlert,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '../../components/ui/index.ts';
import { formatDate } from '../../lib/format.ts';
import { type PayoutStatus, useArtistBalance, useArtistPayouts } from './api.ts';
import { formatMoney } from './format.ts';

const payoutTone: Record<PayoutStatus, BadgeTone> = {
  pending: 'info',
  in_transit: 'info',
  paid: 'success',
  failed: 'danger',
  canceled: 'neutral',
};
const payoutLabel: Record<PayoutStatus, string> = {
  pending: 'Pending',
  in_transit: 'In transit',
  paid: 'Paid',
  failed: 'Failed',
  canceled: 'Canceled',
};

function Stat({ label, value, hint, testId }: { label: string; value: string; hint?: string; testId?: string }) {
  return (
    <Card>
      <CardContent className="grid gap-1 p-4">
        <p className="text-sm text-muted">{label}</p>
        <p className="text-2xl font-semibold tabular-nums" data-testid={testId}>
          {value}
        </p>
        {hint ? <p className="text-xs text-muted">{hint}</p> : null}
      </CardContent>
    </Card>
  );
}

/** Balance cards from the artist's Stripe account, the amount owed and when the next payout is expected. */
export function ArtistBalanceCards({ accountId }: { accountId: string }) {
  const balance = useArtistBalance(accountId);
  if (balance.isPending) return <CardSkeleton label="Loading your balance" />;
  if (balance.isError)
    return <ErrorAlert title="Could not load your balance" error={balance.error} onRetry={balance.refetch} />;
  const b = balance.data;
  const money = (n: number) => formatMoney(n, b.currency);
  return (
    <section aria-labelledby="balance-heading" className="grid gap-3">
      <h2 id="balance-heading" className="text-lg font-semibold">
        Balance
      </h2>
      {b.amountOwed > 0 ? (
        <Alert variant="warning" title={`You owe ${money(b.amountOwed)}`}>
          A refund took back more than your balance held. It is settled from your next sales before any payout.
        </Alert>
      ) : null}
      <div className="grid gap-3 sm:grid-cols-3">
        <Stat
          label="Available"
          value={money(b.available)}
          hint="In your Stripe account, ready to pay out"
          testId="artist-balance-available"
        />
        <Stat
          label="Pending"
          value={money(b.pending)}
          hint="Still settling at Stripe"
          testId="artist-balance-pending"
        />
        <Stat
          label="Awaiting payout"
          value={money(b.awaitingPayout)}
          hint={
            b.nextPayoutAt
              ? `Next payout expected ${formatDate(b.nextPayoutAt)}`
              : b.awaitingPayout > 0
                ? 'Paid out once delivered and past the return window'
                : 'Nothing waiting'
          }
        />
      </div>
      <p className="text-sm text-muted">
        Each sale is paid out {b.returnWindowDays} days after the buyer receives it (the return window).
      </p>
    </section>
  );
}

/** The artist's payouts, newest first, with status and expected arrival. */
export function ArtistPayouts({ accountId }: { accountId: string }) {
  const pages = useCursorPages(accountId);
  const payouts = useArtistPayouts(accountId, pages.cursor);
  return (
    <section aria-labelledby="payouts-heading" className="grid gap-3">
      <h2 id="payouts-heading" className="text-lg font-semibold">
        Payouts
      </h2>
      <CursorResults
        query={payouts}
        pages={pages}
        loading={{ label: 'Loading payouts', columns: 5 }}
        errorTitle="Could not load payouts"
        empty={
          <EmptyState
            title="No payouts yet"
            description="Payouts start once a delivered sale is past its return window."
          />
        }
        pagesLabel="Payouts pages"
        className="grid gap-3"
      >
        {(rows) => (
          <Table label="Payouts">
            <TableHeader>
              <TableRow>
                <TableHead>Started</TableHead>
                <TableHead>Amount</TableHead>
                <TableHead>Status</TableHead>
                <TableHead>Arrival</TableHead>
                <TableHead>Sales</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((p) => (
                <TableRow key={p.id}>
                  <TableCell>{formatDate(p.createdAt)}</TableCell>
                  <TableCell className="tabular-nums">{formatMoney(p.amount, p.currency)}</TableCell>
                  <TableCell>
                    <Badge tone={payoutTone[p.status]}>{payoutLabel[p.status]}</Badge>
                    {p.failureMessage ? <p className="mt-1 text-xs text-red-700">{p.failureMessage}</p> : null}
                  </TableCell>
                  <TableCell>
                    {p.arrivalDate
                      ? `${p.status === 'paid' ? 'Arrived' : 'Expected'} ${formatDate(p.arrivalDate)}`
                      : '—'}
                  </TableCell>
                  <TableCell className="tabular-nums">{p.salesCount}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </CursorResults>
    </section>
  );
}
