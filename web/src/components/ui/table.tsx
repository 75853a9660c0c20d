import { type HTMLAttributes, type TdHTMLAttributes, type ThHTMLAttributes, useLayoutEffect, useRef } from 'react';
import { cn } from '../../lib/cn.ts';

/**
 * Copies each column's header text onto its body cells as `data-label` (unless a cell sets its own), so the phone
 * layout in styles.css (`.table-cards`) can show every value with its column's name. A cell spanning several
 * columns gets no label. Runs again whenever the rows change.
 */
function labelCells(table: HTMLTableElement) {
  const heads = table.tHead?.rows[0]?.cells;
  if (!heads) return;
  const labels: string[] = [];
  for (const th of Array.from(heads)) {
    const text = (th.textContent ?? '').trim();
    for (let i = 0; i < th.colSpan; i++) labels.push(th.colSpan > 1 ? '' : text);
  }
  for (const body of Array.from(table.tBodies)) {
    for (const row of Array.from(body.rows)) {
      let column = 0;
      for (const cell of Array.from(row.cells)) {
        const label = cell.colSpan > 1 ? '' : (labels[column] ?? '');
        if (!cell.hasAttribute('data-label') || cell.dataset.autoLabel !== undefined) {
          cell.dataset.label = label;
          cell.dataset.autoLabel = '';
        }
        column += cell.colSpan;
      }
    }
  }
}

/**
 * Table in a bordered card. From the `sm` breakpoint up it is a table that scrolls horizontally when its columns do
 * not fit; the scrolling box is then focusable and named, so keyboard users can scroll it too (axe:
 * scrollable-region-focusable). On phones (`layout="cards"`, the default) each row becomes a card listing every
 * column's value under its header's name, so no column (a status, a total) is cut off; `layout="scroll"` keeps the
 * scrolling table on phones too.
 */
export function Table({
  className,
  label,
  layout = 'cards',
  ...props
}: HTMLAttributes<HTMLTableElement> & { label?: string; layout?: 'cards' | 'scroll' }) {
  const box = useRef<HTMLElement>(null);
  const table = useRef<HTMLTableElement>(null);

  useLayoutEffect(() => {
    const el = table.current;
    const region = box.current;
    if (!el || !region) return;
    labelCells(el);
    // Only a box that actually scrolls is a tab stop.
    const updateFocusable = () => {
      const scrolls = region.scrollWidth > region.clientWidth + 1;
      if (scrolls) region.setAttribute('tabindex', '0');
      else region.removeAttribute('tabindex');
    };
    updateFocusable();
    const rows = new MutationObserver(() => {
      labelCells(el);
      updateFocusable();
    });
    rows.observe(el, { childList: true, subtree: true, characterData: true });
    const size = new ResizeObserver(updateFocusable);
    size.observe(region);
    size.observe(el);
    return () => {
      rows.disconnect();
      size.disconnect();
    };
  }, []);

  return (
    <section
      ref={box}
      aria-label={label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard.
      tabIndex={0}
      className={cn(
        'focus-ring relative overflow-x-auto rounded-card border border-border bg-surface',
        layout === 'cards' && 'table-cards',
      )}
    >
      <table
        ref={table}
        aria-label={label}
        className={cn('w-full border-collapse text-left text-sm', className)}
        {...props}
      />
    </section>
  );
}

export function TableHeader({ className, ...props }: HTMLAttributes<HTMLTableSectionElement>) {
  return <thead className={cn('border-b border-border bg-stone-50', className)} {...props} />;
}

export function TableBody({ className, ...props }: HTMLAttributes<HTMLTableSectionElement>) {
  return <tbody className={cn('divide-y divide-border', className)} {...props} />;
}

export function TableRow({ className, ...props }: HTMLAttributes<HTMLTableRowElement>) {
  return <tr className={cn('transition-colors hover:bg-stone-50/60', className)} {...props} />;
}

export function TableHead({ className, ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th
      scope="col"
      className={cn(
        'whitespace-nowrap px-4 py-2.5 text-xs font-semibold tracking-wide text-stone-600 uppercase',
        className,
      )}
      {...props}
    />
  );
}

/** The header of a row-actions column: named for screen readers, blank on screen. */
export function TableActionsHead() {
  return (
    <TableHead>
      <span className="sr-only">Actions</span>
    </TableHead>
  );
}

/** A body cell; `data-label` overrides the column name shown beside its value in the phone card layout. */
export function TableCell({ className, ...props }: TdHTMLAttributes<HTMLTableCellElement> & { 'data-label'?: string }) {
  return <td className={cn('px-4 py-3 align-middle text-foreground', className)} {...props} />;
}
