import type { UseQueryResult } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { formatCount } from '../lib/format.ts';
import { ChevronLeftIcon, ChevronRightIcon } from './icons.tsx';
import { Button, ErrorAlert, TableSkeleton } from './ui/index.ts';

/** One page of a cursor-paged list, as the list endpoints answer; the count stops at 1,000 (`totalCapped`). */
export type CursorPage<T> = {
  data: T[];
  nextCursor: string | null;
  limit: number;
  total: number;
  totalCapped: boolean;
};

/** "1,234" or, past the server's cap, "1,000+". */
export function formatTotal(page: { total: number; totalCapped: boolean }): string {
  return page.totalCapped ? `${formatCount(page.total)}+` : formatCount(page.total);
}

/**
 * Where a cursor-paged list is: the cursors that opened each page so far, so Previous steps back without OFFSET.
 * A new `listKey` (other filters or search) starts again from the first page.
 */
export function useCursorPages(listKey: string) {
  const [state, setState] = useState<{ key: string; cursors: string[] }>({ key: listKey, cursors: [] });
  const cursors = state.key === listKey ? state.cursors : [];
  return {
    /** The cursor of the current page; undefined on the first. */
    cursor: cursors.at(-1),
    /** 0 on the first page. */
    index: cursors.length,
    next: (cursor: string) => setState({ key: listKey, cursors: [...cursors, cursor] }),
    previous: () => setState({ key: listKey, cursors: cursors.slice(0, -1) }),
  };
}

type CursorResultsProps<T> = {
  query: UseQueryResult<CursorPage<T>>;
  pages: ReturnType<typeof useCursorPages>;
  /** Skeleton shape and accessible name while the first page loads. */
  loading: { label: string; columns: number };
  errorTitle: string;
  /** Shown when the list has no rows. */
  empty: ReactNode;
  /** Accessible name of the pagination. */
  pagesLabel: string;
  /** Wrapping block's classes; by default the previous page stays visible, dimmed, while the next one loads. */
  className?: string;
  /** Paging is disabled while this holds; by default while a previous page stands in for the next. */
  busy?: boolean;
  children: (rows: T[]) => ReactNode;
};

/** A cursor-paged list query's states: skeleton, error with retry, empty state, or the rows with Previous/Next. */
export function CursorResults<T>({
  query,
  pages,
  loading,
  errorTitle,
  empty,
  pagesLabel,
  className,
  busy,
  children,
}: CursorResultsProps<T>) {
  if (query.isPending) return <TableSkeleton columns={loading.columns} label={loading.label} />;
  if (query.isError) return <ErrorAlert error={query.error} onRetry={() => query.refetch()} title={errorTitle} />;
  const page = query.data;
  if (page.data.length === 0 && pages.index === 0) return empty;
  const disabled = busy ?? query.isPlaceholderData;
  const from = pages.index * page.limit + 1;
  const dimmed = query.isPlaceholderData ? 'min-w-0 opacity-60 transition-opacity' : 'min-w-0';
  return (
    <div className={className ?? dimmed}>
      {children(page.data)}
      <nav aria-label={pagesLabel} className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
        <p className="text-muted" aria-live="polite" data-testid="list-range">
          {page.data.length > 0 ? (
            <>
              Showing <span className="font-medium text-foreground">{formatCount(from)}</span>–
              <span className="font-medium text-foreground">{formatCount(from + page.data.length - 1)}</span> of{' '}
            </>
          ) : (
            'No more rows of '
          )}
          <span className="font-medium text-foreground" data-testid="list-total">
            {formatTotal(page)}
          </span>
        </p>
        <div className="flex items-center gap-2">
          <Button
            variant="secondary"
            size="sm"
            onClick={pages.previous}
            disabled={disabled || pages.index === 0}
            aria-label="Previous page"
          >
            <ChevronLeftIcon size={16} />
            <span className="hidden sm:inline">Previous</span>
          </Button>
          <span className="tabular-nums text-muted">Page {formatCount(pages.index + 1)}</span>
          <Button
            variant="secondary"
            size="sm"
            onClick={() => page.nextCursor && pages.next(page.nextCursor)}
            disabled={disabled || !page.nextCursor}
            aria-label="Next page"
          >
            <span className="hidden sm:inline">Next</span>
            <ChevronRightIcon size={16} />
          </Button>
        </div>
      </nav>
    </div>
  );
}
