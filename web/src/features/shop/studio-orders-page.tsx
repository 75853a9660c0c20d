import { type FormEvent, useState } from 'react';
import { CursorResults, useCursorPages } from '../../components/cursor-results.tsx';
import { CoinsIcon } from '../../components/icons.tsx';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Button,
  Card,
  CardContent,
  CardHeader,
  CardTitle,
  EmptyState,
  ErrorAlert,
  Field,
  Input,
  PageHeader,
  Select,
  Skeleton,
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
import { useListParams } from '../../lib/list-params.ts';
import { OrderRefCells, OrderTotalCell } from '../orders/amount.tsx';
import { ChannelBadge } from '../orders/channel.tsx';
import { DisputeBadge, DisputeSummary } from '../orders/dispute.tsx';
import { formatMoney } from '../orders/money.ts';
import { orderRef } from '../orders/status.tsx';
import { FulfilmentBadge, fulfilmentLabels } from './order-status.tsx';
import {
  FULFILMENT_STATUSES,
  type FulfilmentStatus,
  MONEY_FILTERS,
  type MoneyFilter,
  moneyFilterLabels,
  useStudioOrders,
  useStudioSummary,
} from './orders-api.ts';
import { NoStudio, useStudio } from './studio-galleries-page.tsx';

const PAGE_SIZE = 20;

/** Studio print orders: this month's figures, then the orders list with status tabs, search and pages. */
export function StudioOrdersPage() {
  const studio = useStudio();
  if (!studio) return <NoStudio />;
  return (
    <PageContainer>
      <PageHeader eyebrow={studio.name} title="Print orders" description="Orders from your client galleries." />
      <SummaryCards accountId={studio.accountId} />
      <OrdersList key={studio.accountId} accountId={studio.accountId} />
    </PageContainer>
  );
}

function SummaryCards({ accountId }: { accountId: string }) {
  const summary = useStudioSummary(accountId);
  if (summary.isPending) {
    return (
      <div className="mb-6 grid gap-3 sm:grid-cols-2" role="status" aria-busy="true" aria-label="Loading figures">
        <Skeleton className="h-28" />
        <Skeleton className="h-28" />
      </div>
    );
  }
  if (summary.isError) {
    return (
      <div className="mb-6">
        <ErrorAlert
          error={summary.error}
          onRetry={() => summary.refetch()}
          title="Could not load this month’s figures"
        />
      </div>
    );
  }
  const s = summary.data;
  const money = (n: number) => formatMoney(n, s.currency);
  const change = s.change;
  return (
    <div className="mb-6 grid gap-3 sm:grid-cols-2">
      <Card>
        <CardHeader>
          <CardTitle>Revenue this month</CardTitle>
        </CardHeader>
        <CardContent>
          <p className="text-2xl font-semibold tabular-nums" data-testid="revenue-this-month">
            {money(s.current.net)}
          </p>
          <p className="text-sm text-muted">
            {s.current.orderCount} {s.current.orderCount === 1 ? 'order' : 'orders'}
            {s.current.refunds ? ` · ${money(s.current.refunds)} refunded` : ''} ·{' '}
            {change === 0 ? 'same as' : `${change > 0 ? '+' : '−'}${money(Math.abs(change))} vs`} last month (
            {money(s.previous.net)})
          </p>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Best sellers this month</CardTitle>
        </CardHeader>
        <CardContent>
          {s.bestSellers.length === 0 ? (
            <p className="text-sm text-muted">No sales yet this month.</p>
          ) : (
            <ol className="flex flex-col gap-1 text-sm" aria-label="Best sellers">
              {s.bestSellers.map((b) => (
                <li key={b.productId ?? b.name} className="flex justify-between gap-2">
                  <span className="truncate">{b.name}</span>
                  <span className="whitespace-nowrap tabular-nums text-muted">
                    {b.quantity} sold · {money(b.revenue)}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </CardContent>
      </Card>
    </div>
  );
}

function parseMoney(v: string | null): MoneyFilter | '' {
  return (MONEY_FILTERS as readonly string[]).includes(v ?? '') ? (v as MoneyFilter) : '';
}

function parseStatus(v: string | null): FulfilmentStatus | '' {
  return (FULFILMENT_STATUSES as readonly string[]).includes(v ?? '') ? (v as FulfilmentStatus) : '';
}

function OrdersList({ accountId }: { accountId: string }) {
  const {
    filters: { status, payment: money, q },
    update,
  } = useListParams({ status: parseStatus, payment: parseMoney, q: (v) => v ?? '' });
  const [search, setSearch] = useState(q);
  const pages = useCursorPages(JSON.stringify([status, money, q]));
  const orders = useStudioOrders(accountId, {
    status,
    moneyStatus: money,
    q,
    cursor: pages.cursor,
    limit: PAGE_SIZE,
  });
  const filtered = Boolean(status || money || q);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    update({ q: search.trim(), page: 1 });
  };

  return (
    <div className="grid grid-cols-1 gap-4">
      <Tabs
        value={status || 'all'}
        onValueChange={(v) => update({ status: v === 'all' ? '' : (v as FulfilmentStatus), page: 1 })}
      >
        <TabsList aria-label="Order status">
          <TabsTrigger value="all">All</TabsTrigger>
          {FULFILMENT_STATUSES.map((s) => (
            <TabsTrigger key={s} value={s}>
              {fulfilmentLabels[s]}
            </TabsTrigger>
          ))}
        </TabsList>
        {/* The active tab's panel holds the filters and results, so its aria-controls names a panel that exists. */}
        <TabsContent value={status || 'all'} className="grid grid-cols-1 gap-4 pt-4">
          <form onSubmit={submit} className="flex flex-col gap-2 sm:flex-row sm:items-end">
            <Field label="Payment" className="sm:w-52">
              <Select
                value={money || 'all'}
                onValueChange={(v) => update({ payment: v === 'all' ? '' : (v as MoneyFilter), page: 1 })}
                options={[
                  { value: 'all', label: 'All payments' },
                  ...MONEY_FILTERS.map((m) => ({ value: m, label: moneyFilterLabels[m] })),
                ]}
              />
            </Field>
            <Field label="Search orders" className="flex-1">
              <Input
                type="search"
                value={search}
                onChange={(e) => setSearch(e.target.value)}
                placeholder="Email, name or order number"
              />
            </Field>
            <Button type="submit" variant="secondary">
              Search
            </Button>
          </form>
          <CursorResults
            query={orders}
            pages={pages}
            loading={{ label: 'Loading orders', columns: 7 }}
            errorTitle="Could not load orders"
            empty={
              <EmptyState
                icon={CoinsIcon}
                title={filtered ? 'No matching orders' : 'No print orders yet'}
                description={
                  filtered
                    ? 'Try another status, payment filter or search.'
                    : 'When clients buy prints from a gallery, their orders appear here.'
                }
                action={
                  filtered ? (
                    <Button
                      variant="secondary"
                      onClick={() => {
                        setSearch('');
                        update({ status: '', payment: '', q: '', page: 1 });
                      }}
                    >
                      Show all orders
                    </Button>
                  ) : null
                }
              />
            }
            pagesLabel="Print order pages"
            className="grid grid-cols-1"
            busy={orders.isFetching}
          >
            {(rows) => (
              <Table label="Print orders" aria-busy={orders.isFetching}>
                <TableHeader>
                  <TableRow>
                    <TableHead>Order</TableHead>
                    <TableHead>Date</TableHead>
                    <TableHead>Client</TableHead>
                    <TableHead>Prints</TableHead>
                    <TableHead>Channel</TableHead>
                    <TableHead>Status</TableHead>
                    <TableHead className="text-right">Total</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {rows.map((o) => (
                    <TableRow key={o.id} data-testid="print-order-row" data-order-id={o.id}>
                      <OrderRefCells
                        to={`/studio/orders/${o.id}`}
                        reference={orderRef(o.id)}
                        date={o.paidAt ?? o.createdAt}
                      />
                      <TableCell className="max-w-56 truncate text-stone-600">
                        {o.buyerName ? <span className="block text-foreground">{o.buyerName}</span> : null}
                        {o.buyerEmail}
                      </TableCell>
                      <TableCell className="tabular-nums text-stone-600">{o.itemCount}</TableCell>
                      <TableCell className="max-w-48">
                        <ChannelBadge channel={o.channel} agentPlatformName={o.agentPlatformName} />
                      </TableCell>
                      <TableCell>
                        <span className="flex flex-wrap items-center gap-1">
                          <FulfilmentBadge status={o.status} />
                          {o.dispute ? <DisputeBadge dispute={o.dispute} /> : null}
                        </span>
                        {o.dispute ? <DisputeSummary dispute={o.dispute} /> : null}
                      </TableCell>
                      <OrderTotalCell order={o} />
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </CursorResults>
        </TabsContent>
      </Tabs>
    </div>
  );
}
