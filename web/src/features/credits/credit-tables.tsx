import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import {
  Badge,
  Button,
  ErrorAlert,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  TableSkeleton,
} from '../../components/ui/index.ts';
import { formatDate, formatRelative } from '../../lib/format.ts';
import type { Lot, Usage } from './api.ts';
import { formatMinutes } from './format.ts';

function lotState(lot: Lot): { label: string; tone: 'success' | 'neutral' | 'warning' } {
  if (lot.expiredAt || new Date(lot.expiresAt).getTime() <= Date.now()) return { label: 'Expired', tone: 'neutral' };
  if (lot.balanceMinutes === 0) return { label: 'Used up', tone: 'neutral' };
  const soon = new Date(lot.expiresAt).getTime() - Date.now() < 60 * 86_400_000;
  return soon ? { label: 'Expires soon', tone: 'warning' } : { label: 'Active', tone: 'success' };
}

/** Purchased lots with what is left and when it expires (used first-expiring first). */
export function LotsTable({ lots, names }: { lots: Lot[]; names: (lot: Lot) => string }) {
  if (lots.length === 0) {
    return (
      <p className="rounded-card border border-dashed border-border-strong bg-surface px-4 py-6 text-center text-sm text-muted">
        No hours bought yet.
      </p>
    );
  }
  return (
    <Table label="Purchased hours">
      <TableHeader>
        <TableRow>
          <TableHead>Bought</TableHead>
          <TableHead>With</TableHead>
          <TableHead>Hours bought</TableHead>
          <TableHead>Left</TableHead>
          <TableHead>Expires</TableHead>
          <TableHead>Status</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {lots.map((lot) => {
          const state = lotState(lot);
          return (
            <TableRow key={lot.id} data-testid="lot-row" data-lot-id={lot.id}>
              <TableCell className="whitespace-nowrap">{formatDate(lot.createdAt)}</TableCell>
              <TableCell>{names(lot)}</TableCell>
              <TableCell>{formatMinutes(lot.minutesGranted)}</TableCell>
              <TableCell className="font-medium" data-testid="lot-left" data-minutes={lot.balanceMinutes}>
                {formatMinutes(lot.balanceMinutes)}
              </TableCell>
              <TableCell className="whitespace-nowrap" data-testid="lot-expires">
                <time dateTime={lot.expiresAt} title={formatRelative(lot.expiresAt)}>
                  {formatDate(lot.expiresAt)}
                </time>
              </TableCell>
              <TableCell>
                <Badge tone={state.tone}>{state.label}</Badge>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

/** Logged work, most recently logged first. */
export function UsageTable({ usage, names }: { usage: Usage[]; names: (u: Usage) => string }) {
  if (usage.length === 0) {
    return (
      <p className="rounded-card border border-dashed border-border-strong bg-surface px-4 py-6 text-center text-sm text-muted">
        No time logged yet.
      </p>
    );
  }
  return (
    <Table label="Usage history">
      <TableHeader>
        <TableRow>
          <TableHead>Date</TableHead>
          <TableHead>With</TableHead>
          <TableHead>Time</TableHead>
          <TableHead>Note</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {usage.map((u) => (
          <TableRow key={u.id} data-testid="usage-row">
            <TableCell className="whitespace-nowrap">{formatDate(`${u.workedOn}T12:00:00`)}</TableCell>
            <TableCell>{names(u)}</TableCell>
            <TableCell className="whitespace-nowrap font-medium" data-testid="usage-minutes" data-minutes={u.minutes}>
              {formatMinutes(u.minutes)}
            </TableCell>
            <TableCell className="text-stone-600">{u.note || '—'}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** A titled block of a credits page (lots, purchases, usage). */
export function CreditSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="grid gap-3">
      <h2 className="text-lg font-semibold">{title}</h2>
      {children}
    </section>
  );
}

/** A list loaded a cursor page at a time. */
export type PagedList<P extends { data: unknown[]; nextCursor: string | null }> = UseInfiniteQueryResult<
  InfiniteData<P>
>;

/** The loaded pages' rows of a paged list. */
export function loadedRows<T>(query: PagedList<{ data: T[]; nextCursor: string | null }>): T[] {
  return query.data?.pages.flatMap((p) => p.data) ?? [];
}

/** A paged list's states: skeleton, error with retry, or its rows with "Show more" while more pages exist. */
export function PagedRows<T>({
  query,
  label,
  children,
}: {
  query: PagedList<{ data: T[]; nextCursor: string | null }>;
  /** What the list is, for the skeleton's and the button's accessible names ("lots", "logged time"). */
  label: string;
  children: (rows: T[]) => ReactNode;
}) {
  if (query.isPending) return <TableSkeleton rows={3} columns={4} label={`Loading ${label}`} />;
  // A failed "Show more" keeps the rows already loaded; only a failed first page replaces them.
  if (query.isError && !query.data) {
    return <ErrorAlert error={query.error} onRetry={() => query.refetch()} title={`Could not load ${label}`} />;
  }
  return (
    <div className="grid gap-3">
      {children(loadedRows(query))}
      {query.isFetchNextPageError ? (
        <ErrorAlert error={query.error} onRetry={() => query.fetchNextPage()} title={`Could not load more ${label}`} />
      ) : null}
      {query.hasNextPage ? (
        <div>
          <Button
            variant="secondary"
            size="sm"
            onClick={() => query.fetchNextPage()}
            loading={query.isFetchingNextPage}
            aria-label={`Show more ${label}`}
          >
            Show more
          </Button>
        </div>
      ) : null}
    </div>
  );
}
