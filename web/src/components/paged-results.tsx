import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ErrorAlert, Pagination, TableSkeleton } from './ui/index.ts';

/** One page of a server-paged list, as the list endpoints answer. */
export type PagedData<T> = { data: T[]; page: number; pageSize: number; total: number };

type PagedResultsProps<T> = {
  query: UseQueryResult<PagedData<T>>;
  /** Skeleton shape and accessible name while the first page loads. */
  loading: { label: string; columns: number };
  errorTitle: string;
  /** Shown when the page has no rows. */
  empty: ReactNode;
  /** Accessible name of the pagination. */
  pagesLabel: string;
  onPageChange: (page: number) => void;
  /** Render the rows and pagination straight into the parent's layout instead of one wrapping block. */
  inline?: boolean;
  /** Wrapping block's classes; by default the previous page stays visible, dimmed, while the next one loads. */
  className?: string;
  /** Paging is disabled while this holds; by default while a previous page stands in for the next. */
  busy?: boolean;
  children: (rows: T[]) => ReactNode;
};

/** A paged list query's states: skeleton, error with retry, empty state, or the rows and their pagination. */
export function PagedResults<T>({
  query,
  loading,
  errorTitle,
  empty,
  pagesLabel,
  onPageChange,
  inline,
  className,
  busy,
  children,
}: PagedResultsProps<T>) {
  if (query.isPending) return <TableSkeleton columns={loading.columns} label={loading.label} />;
  if (query.isError) return <ErrorAlert error={query.error} onRetry={() => query.refetch()} title={errorTitle} />;
  const { data, page, pageSize, total } = query.data;
  if (data.length === 0) return empty;
  const pagination = (
    <Pagination
      label={pagesLabel}
      page={page}
      pageSize={pageSize}
      total={total}
      onPageChange={onPageChange}
      disabled={busy ?? query.isPlaceholderData}
    />
  );
  if (inline) {
    return (
      <>
        {children(data)}
        {pagination}
      </>
    );
  }
  const dimmed = query.isPlaceholderData ? 'min-w-0 opacity-60 transition-opacity' : 'min-w-0';
  return (
    <div className={className ?? dimmed}>
      {children(data)}
      {pagination}
    </div>
  );
}
