import { Link } from 'react-router';
import { CursorResults, useCursorPages } from '../../components/cursor-results.tsx';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Badge,
  type BadgeTone,
  buttonClasses,
  EmptyState,
  Field,
  Input,
  PageHeader,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Tabs,
  TabsContent,
  TabsList,
  TabsTrigger,
} from '../../components/ui/index.ts';
import { formatDate } from '../../lib/format.ts';
import { useQueryPatch } from '../../lib/list-params.ts';
import { ChannelBadge } from '../orders/channel.tsx';
import { formatMoney } from '../orders/money.ts';
import { type TransactionFilters, transactionsCsvUrl, useRefunds, useTransactions } from './admin-api.ts';
import { AdminNav } from './admin-nav.tsx';
import { SALE_STATUSES, type SaleStatus } from './api.ts';
import { ArtistPicker } from './artist-picker.tsx';

const statusTone: Record<SaleStatus, BadgeTone> = {
  paid: 'info',
  shipped: 'violet',
  delivered: 'success',
  partially_refunded: 'warning',
  refunded: 'danger',
  duplicate_refunded: 'neutral',
};
const statusLabel = (s: string) => (s === 'duplicate_refunded' ? 'Duplicate (refunded)' : s.replace(/_/g, ' '));

/** A row's artwork, linking to its sale, with the artist underneath. */
function SaleCell({ saleId, title, artist }: { saleId: string; title: string; artist: string }) {
  return (
    <TableCell>
      <Link to={`/marketplace/sales/${saleId}`} className="font-medium underline-offset-2 hover:underline">
        {title}
      </Link>
      <div className="text-xs text-muted">{artist}</div>
    </TableCell>
  );
}

/** Filters live in the URL so a filtered view can be shared and reloaded; the page is a cursor kept per filter set. */
function useFilters() {
  const [params, set] = useQueryPatch();
  const filters: TransactionFilters = {
    status: params.get('status') ?? undefined,
    accountId: params.get('artist') ?? undefined,
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
  };
  const tab = params.get('tab') === 'refunds' ? 'refunds' : 'transactions';
  const owed = params.get('owed') === 'true';
  const pages = useCursorPages(JSON.stringify([tab, filters, owed]));
  return { filters, pages, tab, owed, set };
}

function TransactionsTab({ f }: { f: ReturnType<typeof useFilters> }) {
  const q = useTransactions(f.filters, f.pages.cursor);
  return (
    <div className="grid gap-4">
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-5 lg:items-end">
        <Field label="Status">
          <Select
            value={f.filters.status ?? 'any'}
            onValueChange={(v) => f.set({ status: v === 'any' ? undefined : v })}
            options={[
              { value: 'any', label: 'Any status' },
              ...SALE_STATUSES.map((s) => ({ value: s, label: statusLabel(s) })),
            ]}
          />
        </Field>
        <Field label="Artist">
          <ArtistPicker
            value={f.filters.accountId ?? ''}
            onChange={(id) => f.set({ artist: id || undefined })}
            noneLabel="All artists"
            // A filter read from the address bar names its artist through the rows it finds.
            selectedLabel={
              q.data?.data.find((t) => t.accountId === f.filters.accountId)?.artist.name ?? 'Chosen artist'
            }
          />
        </Field>
        <Field label="From">
          <Input
            type="date"
            value={f.filters.from ?? ''}
            onChange={(e) => f.set({ from: e.target.value || undefined })}
          />
        </Field>
        <Field label="To">
          <Input type="date" value={f.filters.to ?? ''} onChange={(e) => f.set({ to: e.target.value || undefined })} />
        </Field>
        <a href={transactionsCsvUrl(f.filters)} download className={buttonClasses({ variant: 'secondary' })}>
          Download CSV
        </a>
      </div>
      <CursorResults
        query={q}
        pages={f.pages}
        loading={{ label: 'Loading transactions', columns: 9 }}
        errorTitle="Could not load transactions"
        empty={<EmptyState as="h3" title="No transactions match" description="Change the filters to see more." />}
        pagesLabel="Transactions pages"
      >
        {(rows) => (
          <div className="overflow-x-auto">
            <Table label="Transactions">
              <TableHeader>
                <TableRow>
                  <TableHead>Date</TableHead>
                  <TableHead>Artwork</TableHead>
                  <TableHead>Buyer</TableHead>
                  <TableHead className="text-right">Amount</TableHead>
                  <TableHead className="text-right">Platform fee</TableHead>
                  <TableHead className="text-right">Artist</TableHead>
                  <TableHead className="text-right">Stripe fee</TableHead>
                  <TableHead>Channel</TableHead>
                  <TableHead>Status</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map((t) => (
                  <TableRow key={t.id}>
                    <TableCell className="whitespace-nowrap">{formatDate(t.createdAt)}</TableCell>
                    <SaleCell saleId={t.id} title={t.artwork.title} artist={t.artist.name} />
                    <TableCell className="text-stone-600">{t.buyerName ?? t.buyerEmail}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatMoney(t.amount, t.currency)}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatMoney(t.platformFee, t.currency)}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatMoney(t.artistAmount, t.currency)}</TableCell>
                    <TableCell className="text-right tabular-nums">
                      {t.stripeFee === null ? '—' : formatMoney(t.stripeFee, t.currency)}
                    </TableCell>
                    <TableCell className="max-w-48">
                      <ChannelBadge channel={t.channel} agentPlatformName={t.agentPlatformName} />
                    </TableCell>
                    <TableCell>
                      <Badge tone={statusTone[t.status]} className="capitalize">
                        {statusLabel(t.status)}
                      </Badge>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        )}
      </CursorResults>
    </div>
  );
}

function RefundsTab({ f }: { f: ReturnType<typeof useFilters> }) {
  const q = useRefunds(f.owed, f.pages.cursor);
  return (
    <div className="grid gap-4">
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={f.owed}
          onChange={(e) => f.set({ owed: e.target.checked ? 'true' : undefined })}
          className="size-4"
        />
        Only refunds with an amount owed by the artist
      </label>
      {q.data && q.data.owedTotals.length > 0 ? (
        <p className="text-sm" data-testid="owed-totals">
          Owed by artists: {q.data.owedTotals.map((o) => formatMoney(o.amount, o.currency)).join(' · ')}
        </p>
      ) : null}
      <CursorResults
        query={q}
        pages={f.pages}
        loading={{ label: 'Loading refunds', columns: 6 }}
        errorTitle="Could not load refunds"
        empty={<EmptyState as="h3" title={f.owed ? 'Nothing is owed' : 'No refunds yet'} />}
        pagesLabel="Refunds pages"
      >
        {(rows) => (
          <div className="overflow-x-auto">
            <Table label="Refunds">
              <TableHeader>
                <TableRow>
                  <TableHead>Date</TableHead>
                  <TableHead>Artwork</TableHead>
                  <TableHead className="text-right">Refunded</TableHead>
                  <TableHead className="text-right">Platform gave back</TableHead>
                  <TableHead className="text-right">Artist gave back</TableHead>
                  <TableHead className="text-right">Owed</TableHead>
                  <TableHead>Reason</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map((r) => (
                  <TableRow key={r.id}>
                    <TableCell className="whitespace-nowrap">{formatDate(r.createdAt)}</TableCell>
                    <SaleCell saleId={r.saleId} title={r.artworkTitle} artist={r.artist.name} />
                    <TableCell className="text-right tabular-nums">{formatMoney(r.amount, r.currency)}</TableCell>
                    <TableCell className="text-right tabular-nums">{formatMoney(r.feeRefunded, r.currency)}</TableCell>
                    <TableCell className="text-right tabular-nums">
                      {formatMoney(r.transferReversed, r.currency)}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">
                      {r.amountOwed > 0 ? <Badge tone="danger">{formatMoney(r.amountOwed, r.currency)}</Badge> : '—'}
                    </TableCell>
                    <TableCell className="text-stone-600">{r.reason ?? '—'}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        )}
      </CursorResults>
    </div>
  );
}

/** Every sale and refund on the marketplace, filterable, with a CSV export. */
export function AdminTransactionsPage() {
  const f = useFilters();
  return (
    <PageContainer>
      <PageHeader eyebrow="Marketplace admin" title="Transactions" description="Sales, their split, and refunds." />
      <AdminNav current="transactions" />
      <Tabs value={f.tab} onValueChange={(v) => f.set({ tab: v === 'refunds' ? 'refunds' : undefined })}>
        <TabsList aria-label="Money views">
          <TabsTrigger value="transactions">Transactions</TabsTrigger>
          <TabsTrigger value="refunds">Refunds</TabsTrigger>
        </TabsList>
        <TabsContent value="transactions">{f.tab === 'transactions' ? <TransactionsTab f={f} /> : null}</TabsContent>
        <TabsContent value="refunds">{f.tab === 'refunds' ? <RefundsTab f={f} /> : null}</TabsContent>
      </Tabs>
    </PageContainer>
  );
}
