import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { CursorResults, useCursorPages } from '../../components/cursor-results.tsx';
import { ShieldIcon } from '../../components/icons.tsx';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Button,
  EmptyState,
  Field,
  PageHeader,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '../../components/ui/index.ts';
import { api } from '../../lib/api.ts';
import type { ApiResponse } from '../../lib/api-types.ts';
import { formatDate } from '../../lib/format.ts';
import { useListParams } from '../../lib/list-params.ts';
import { DisputeBadge, disputeReasonLabel } from '../orders/dispute.tsx';
import { formatMoney } from '../orders/money.ts';

type DisputePage = ApiResponse<'/admin/disputes', 'get'>;
type Outcome = '' | 'open' | 'won' | 'lost';
const OUTCOMES = ['open', 'won', 'lost'] as const;
const PAGE_SIZE = 20;
const labels: Record<(typeof OUTCOMES)[number], string> = { open: 'Open', won: 'Won', lost: 'Lost' };

const parseOutcome = (v: string | null): Outcome =>
  (OUTCOMES as readonly string[]).includes(v ?? '') ? (v as Outcome) : '';

/** Every payment dispute on the platform, newest first, for platform admins (marketplace ones are the platform's). */
export function DisputesPage() {
  const {
    filters: { outcome },
    update,
  } = useListParams({ outcome: parseOutcome });
  const pages = useCursorPages(outcome);
  const q = useQuery({
    queryKey: ['admin', 'disputes', { outcome, cursor: pages.cursor }],
    queryFn: ({ signal }) =>
      api.get<DisputePage>(
        '/api/admin/disputes',
        { outcome: outcome || undefined, cursor: pages.cursor, limit: PAGE_SIZE },
        signal,
      ),
    placeholderData: keepPreviousData,
  });
  return (
    <PageContainer>
      <PageHeader
        title="Disputes"
        description="Chargebacks and inquiries on every seller's payments. Marketplace disputes are the platform's to answer: it bears the loss."
      />
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <Field label="Outcome" className="w-full sm:w-60">
          <Select
            name="outcome"
            value={outcome || 'all'}
            onValueChange={(v) => update({ outcome: v === 'all' ? '' : (v as Outcome), page: 1 })}
            options={[
              { value: 'all', label: 'All disputes' },
              ...OUTCOMES.map((o) => ({ value: o, label: labels[o] })),
            ]}
          />
        </Field>
      </div>
      <CursorResults
        query={q}
        pages={pages}
        loading={{ label: 'Loading disputes', columns: 7 }}
        errorTitle="Could not load disputes"
        empty={
          <EmptyState
            as="h2"
            icon={ShieldIcon}
            title={outcome ? `No ${labels[outcome].toLowerCase()} disputes` : 'No disputes'}
            description={
              outcome
                ? 'Try another outcome, or show all disputes.'
                : 'When a cardholder disputes a payment, it appears here with its reason, amount and deadline.'
            }
            action={
              outcome ? (
                <Button variant="secondary" onClick={() => update({ outcome: '', page: 1 })}>
                  Show all disputes
                </Button>
              ) : null
            }
          />
        }
        pagesLabel="Disputes pages"
        className="grid grid-cols-1"
        busy={q.isFetching}
      >
        {(rows) => (
          <Table label="Disputes" aria-busy={q.isFetching}>
            <TableHeader>
              <TableRow>
                <TableHead>Order</TableHead>
                <TableHead>Opened</TableHead>
                <TableHead>Seller</TableHead>
                <TableHead>Reason</TableHead>
                <TableHead>Status</TableHead>
                <TableHead>Evidence due</TableHead>
                <TableHead className="text-right">Amount</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((d) => (
                <TableRow key={d.id} data-testid="dispute-row">
                  <TableCell className="font-medium">
                    <Link to={`/app/orders/${d.orderId}`} className="font-mono text-accent-800 hover:underline">
                      {d.orderRef}
                    </Link>
                  </TableCell>
                  <TableCell className="whitespace-nowrap text-stone-600">
                    <time dateTime={d.createdAt}>{formatDate(d.createdAt)}</time>
                  </TableCell>
                  <TableCell className="max-w-48 truncate">
                    {d.accountName}
                    {d.platformLiable ? <span className="block text-xs text-muted">Marketplace</span> : null}
                  </TableCell>
                  <TableCell>{disputeReasonLabel(d.reason)}</TableCell>
                  <TableCell>
                    <DisputeBadge dispute={d} />
                    <a
                      href={d.dashboardUrl}
                      target="_blank"
                      rel="noreferrer"
                      className="mt-1 block text-xs text-accent-800 underline-offset-2 hover:underline"
                    >
                      {d.outcome === 'open' ? 'Respond in Stripe' : 'View in Stripe'}
                      <span className="sr-only"> (opens in a new tab)</span>
                    </a>
                  </TableCell>
                  <TableCell className="whitespace-nowrap text-stone-600">
                    {d.outcome === 'open' && d.evidenceDueBy ? (
                      <time dateTime={d.evidenceDueBy}>{formatDate(d.evidenceDueBy)}</time>
                    ) : (
                      '—'
                    )}
                  </TableCell>
                  <TableCell className="whitespace-nowrap text-right tabular-nums">
                    {formatMoney(d.amount, d.currency)}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </CursorResults>
    </PageContainer>
  );
}
