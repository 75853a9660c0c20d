import { formatCount } from '../../lib/format.ts';
import { ChevronLeftIcon, ChevronRightIcon } from '../icons.tsx';
import { Button } from './button.tsx';

type PaginationProps = {
  page: number;
  pageSize: number;
  total: number;
  onPageChange: (page: number) => void;
  /** Label for the nav landmark when a page has more than one pager. */
  label?: string;
  disabled?: boolean;
};

/** 1-based pager with a "Showing x–y of z" summary. */
export function Pagination({ page, pageSize, total, onPageChange, label = 'Pagination', disabled }: PaginationProps) {
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return (
    <nav aria-label={label} className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
      <p className="text-muted" aria-live="polite">
        Showing <span className="font-medium text-foreground">{formatCount(from)}</span>–
        <span className="font-medium text-foreground">{formatCount(to)}</span> of{' '}
        <span className="font-medium text-foreground">{formatCount(total)}</span>
      </p>
      <div className="flex items-center gap-2">
        <Button
          variant="secondary"
          size="sm"
          onClick={() => onPageChange(page - 1)}
          disabled={disabled || page <= 1}
          aria-label="Previous page"
        >
          <ChevronLeftIcon size={16} />
          <span className="hidden sm:inline">Previous</span>
        </Button>
        <span className="tabular-nums text-muted">
          Page {page} of {pageCount}
        </span>
        <Button
          variant="secondary"
          size="sm"
          onClick={() => onPageChange(page + 1)}
          disabled={disabled || page >= pageCount}
          aria-label="Next page"
        >
          <span className="hidden sm:inline">Next</span>
          <ChevronRightIcon size={16} />
        </Button>
      </div>
    </nav>
  );
}
