import type { ReactNode } from 'react';
import { Badge, Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/index.ts';
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

/** Logged work, newest first. */
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
