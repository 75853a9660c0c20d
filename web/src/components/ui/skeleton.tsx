import { cn } from '../../lib/cn.ts';

export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden="true" className={cn('animate-pulse rounded-md bg-stone-200/70', className)} />;
}

// Placeholder rows never reorder, but stable string keys keep React and the linter happy.
function keys(count: number, prefix: string): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}

/** Placeholder rows shaped like a table while its data loads. */
export function TableSkeleton({
  rows = 5,
  columns = 4,
  label = 'Loading',
}: {
  rows?: number;
  columns?: number;
  label?: string;
}) {
  const columnKeys = keys(columns, 'c');
  return (
    <div role="status" aria-label={label} className="overflow-hidden rounded-card border border-border bg-surface">
      <div className="flex gap-4 border-b border-border bg-stone-50 px-4 py-3">
        {columnKeys.map((key) => (
          <Skeleton key={key} className="h-3.5 flex-1" />
        ))}
      </div>
      {keys(rows, 'r').map((row) => (
        <div key={row} className="flex gap-4 border-b border-border px-4 py-4 last:border-0">
          {columnKeys.map((key, c) => (
            <Skeleton key={key} className={cn('h-4 flex-1', c === 0 && 'max-w-48')} />
          ))}
        </div>
      ))}
    </div>
  );
}

export function CardSkeleton({ label = 'Loading' }: { label?: string }) {
  return (
    <div role="status" aria-label={label} className="grid gap-3 rounded-card border border-border bg-surface p-6">
      <Skeleton className="h-5 w-48" />
      <Skeleton className="h-4 w-32" />
      <Skeleton className="mt-2 h-9 w-40" />
    </div>
  );
}
