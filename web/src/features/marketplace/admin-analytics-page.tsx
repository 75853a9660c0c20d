import { type ReactNode, useState } from 'react';
import { Link } from 'react-router';
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardSkeleton,
  CardTitle,
  EmptyState,
  ErrorAlert,
  PageHeader,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '../../components/ui/index.ts';
import { formatCount } from '../../lib/format.ts';
import { channelKindLabel } from '../orders/channel.tsx';
import { currencyExponent, formatMoney } from '../orders/money.ts';
import { type Metrics, useMetrics } from './admin-api.ts';
import { AdminNav } from './admin-nav.tsx';

const monthLabel = (m: string) =>
  new Date(`${m}-01T00:00:00Z`).toLocaleDateString(undefined, { month: 'short', year: '2-digit', timeZone: 'UTC' });
const percent = (r: number | null) =>
  r === null ? '—' : r.toLocaleString(undefined, { style: 'percent', maximumFractionDigits: 1 });

function MoneyChart({ m, currency }: { m: Metrics; currency: string }) {
  // Charts plot major units; labels and tooltips format the exact minor amounts.
  const scale = 10 ** currencyExponent(currency);
  const rows = m.series
    .filter((r) => r.currency === currency)
    .map((r) => ({ ...r, label: monthLabel(r.month), gmvMajor: r.gmv / scale, feeMajor: r.feeRevenue / scale }));
  return (
    <div className="grid gap-4">
      <div className="h-72 w-full" role="img" aria-label={`GMV and fee revenue per month in ${currency.toUpperCase()}`}>
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" tick={{ fontSize: 12 }} />
            <YAxis tick={{ fontSize: 12 }} width={64} />
            <Tooltip
              formatter={(value, name) => [
                formatMoney(Math.round(Number(value) * scale), currency),
                name === 'gmvMajor' ? 'GMV' : 'Fee revenue',
              ]}
            />
            <Legend formatter={(v) => (v === 'gmvMajor' ? 'GMV (net of refunds)' : 'Fee revenue')} />
            <Bar dataKey="gmvMajor" fill="#57534e" radius={[3, 3, 0, 0]} />
            <Line dataKey="feeMajor" stroke="#b45309" strokeWidth={2} dot={false} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <div className="overflow-x-auto">
        <Table label={`Monthly figures in ${currency.toUpperCase()}`}>
          <TableHeader>
            <TableRow>
              <TableHead>Month</TableHead>
              <TableHead className="text-right">Sales</TableHead>
              <TableHead className="text-right">Gross</TableHead>
              <TableHead className="text-right">Refunds</TableHead>
              <TableHead className="text-right">GMV</TableHead>
              <TableHead className="text-right">Fee revenue</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.map((r) => (
              <TableRow key={r.month}>
                <TableCell>{r.month}</TableCell>
                <TableCell className="text-right tabular-nums">{formatCount(r.sales)}</TableCell>
                <TableCell className="text-right tabular-nums">{formatMoney(r.gross, currency)}</TableCell>
                <TableCell className="text-right tabular-nums">{formatMoney(r.refunds, currency)}</TableCell>
                <TableCell className="text-right tabular-nums">{formatMoney(r.gmv, currency)}</TableCell>
                <TableCell className="text-right tabular-nums">{formatMoney(r.feeRevenue, currency)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </div>
  );
}

function ConversionChart({ m }: { m: Metrics }) {
  const rows = m.conversion.map((c) => ({
    ...c,
    label: monthLabel(c.month),
    pct: c.rate === null ? null : c.rate * 100,
  }));
  return (
    <div className="h-56 w-full" role="img" aria-label="Checkout conversion per month">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" tick={{ fontSize: 12 }} />
          <YAxis tick={{ fontSize: 12 }} domain={[0, 100]} unit="%" width={48} />
          <Tooltip
            formatter={(_v, _n, item) => {
              const p = item.payload as (typeof rows)[number];
              return [`${percent(p.rate)} (${p.paid} of ${p.started})`, 'Paid / started'];
            }}
          />
          <Line dataKey="pct" stroke="#0f766e" strokeWidth={2} connectNulls={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Platform metrics for admins: GMV and fees per month, conversion, top artworks and artists. */
export function AdminAnalyticsPage() {
  const q = useMetrics();
  const [picked, setPicked] = useState<string>('');

  return (
    <PageContainer>
      <PageHeader
        eyebrow="Marketplace admin"
        title="Analytics"
        description="The last 12 months. Refunds count in the month they happened; currencies are never added together."
      />
      <AdminNav current="analytics" />
      {q.isPending ? (
        <div className="grid gap-4">
          <CardSkeleton />
          <CardSkeleton />
        </div>
      ) : q.isError ? (
        <ErrorAlert error={q.error} onRetry={() => q.refetch()} title="Could not load the metrics" />
      ) : (
        <div className="grid gap-6">
          <dl className="grid grid-cols-1 gap-4 sm:grid-cols-3">
            {q.data.totals.map((t) => (
              <Card key={t.currency}>
                <CardContent className="grid gap-1 sm:p-5">
                  <dt className="text-sm text-muted">GMV {t.currency.toUpperCase()}</dt>
                  <dd className="text-2xl font-semibold tabular-nums" data-testid={`gmv-total-${t.currency}`}>
                    {formatMoney(t.gmv, t.currency)}
                  </dd>
                  <dd className="text-sm text-muted">
                    {formatCount(t.sales)} {t.sales === 1 ? 'sale' : 'sales'} · {formatMoney(t.feeRevenue, t.currency)}{' '}
                    fees
                  </dd>
                </CardContent>
              </Card>
            ))}
            <Card>
              <CardContent className="grid gap-1 sm:p-5">
                <dt className="text-sm text-muted">Checkout conversion</dt>
                <dd className="text-2xl font-semibold tabular-nums" data-testid="conversion-total">
                  {percent(q.data.conversionTotal.rate)}
                </dd>
                <dd className="text-sm text-muted">
                  {formatCount(q.data.conversionTotal.paid)} paid of {formatCount(q.data.conversionTotal.started)}{' '}
                  started
                </dd>
              </CardContent>
            </Card>
          </dl>

          <Card>
            <CardHeader className="flex flex-row flex-wrap items-center justify-between gap-3">
              <div>
                <CardTitle>GMV and fee revenue per month</CardTitle>
                <CardDescription>Net of refunds; duplicate payments that were refunded are left out.</CardDescription>
              </div>
              {q.data.currencies.length > 1 ? (
                <Select
                  aria-label="Currency"
                  className="w-28"
                  value={picked || q.data.currencies[0]}
                  onValueChange={setPicked}
                  options={q.data.currencies.map((c) => ({ value: c, label: c.toUpperCase() }))}
                />
              ) : null}
            </CardHeader>
            <CardContent>
              {q.data.currencies.length === 0 ? (
                <EmptyState as="h3" title="No sales in the last 12 months" />
              ) : (
                <MoneyChart m={q.data} currency={picked || q.data.currencies[0]} />
              )}
            </CardContent>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>Conversion</CardTitle>
              <CardDescription>Artwork checkouts started that were paid, by the month they started.</CardDescription>
            </CardHeader>
            <CardContent>
              <ConversionChart m={q.data} />
            </CardContent>
          </Card>

          <ChannelCard m={q.data} />

          <div className="grid gap-6 lg:grid-cols-2">
            <TopCard
              title="Top artworks"
              nameHeader="Artwork"
              rows={q.data.top.artworks}
              rowKey={(a) => `${a.artworkId}-${a.currency}`}
              nameCell={(a) => (
                <TableCell>
                  <Link to={`/art/${a.artworkId}`} className="font-medium underline-offset-2 hover:underline">
                    {a.title}
                  </Link>
                  <div className="text-xs text-muted">{a.artist.name}</div>
                </TableCell>
              )}
            />
            <TopCard
              title="Top artists"
              nameHeader="Artist"
              rows={q.data.top.artists}
              rowKey={(a) => `${a.accountId}-${a.currency}`}
              nameCell={(a) => <TableCell className="font-medium">{a.name}</TableCell>}
              fees={(a) => a.feeRevenue}
            />
          </div>
        </div>
      )}
    </PageContainer>
  );
}

/** Sales and gross per channel (web app, MCP, agent platforms) and currency over the 12 months. */
function ChannelCard({ m }: { m: Metrics }) {
  const shareOf = (c: Metrics['channels'][number]) => {
    const all = m.channels.filter((x) => x.currency === c.currency).reduce((a, x) => a + x.sales, 0);
    return all === 0 ? null : c.sales / all;
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>Sales by channel</CardTitle>
        <CardDescription>
          Where paid orders came from over the last 12 months: the web app, MCP clients, or agent platforms (ACP).
        </CardDescription>
      </CardHeader>
      <CardContent className="overflow-x-auto">
        {m.channels.length === 0 ? (
          <EmptyState as="h3" title="No sales yet" />
        ) : (
          <Table label="Sales by channel">
            <TableHeader>
              <TableRow>
                <TableHead>Channel</TableHead>
                <TableHead className="text-right">Sales</TableHead>
                <TableHead className="text-right">Share</TableHead>
                <TableHead className="text-right">Gross</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {m.channels.map((c) => (
                <TableRow key={`${c.channel}-${c.currency}`} data-testid="channel-row" data-channel={c.channel}>
                  <TableCell className="font-medium">{channelKindLabel(c.channel)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatCount(c.sales)}</TableCell>
                  <TableCell className="text-right tabular-nums">{percent(shareOf(c))}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatMoney(c.gross, c.currency)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </CardContent>
    </Card>
  );
}

type TopRow = { sales: number; gmv: number; currency: string };

/** A ranking card (top artworks, top artists): name, sales and GMV, plus the fee revenue where given. */
function TopCard<T extends TopRow>({
  title,
  nameHeader,
  rows,
  rowKey,
  nameCell,
  fees,
}: {
  title: string;
  nameHeader: string;
  rows: T[];
  rowKey: (row: T) => string;
  nameCell: (row: T) => ReactNode;
  fees?: (row: T) => number;
}) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
      </CardHeader>
      <CardContent className="overflow-x-auto">
        {rows.length === 0 ? (
          <EmptyState as="h3" title="No sales yet" />
        ) : (
          <Table label={title}>
            <TableHeader>
              <TableRow>
                <TableHead>{nameHeader}</TableHead>
                <TableHead className="text-right">Sales</TableHead>
                <TableHead className="text-right">GMV</TableHead>
                {fees ? <TableHead className="text-right">Fees</TableHead> : null}
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((r) => (
                <TableRow key={rowKey(r)}>
                  {nameCell(r)}
                  <TableCell className="text-right tabular-nums">{formatCount(r.sales)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatMoney(r.gmv, r.currency)}</TableCell>
                  {fees ? (
                    <TableCell className="text-right tabular-nums">{formatMoney(fees(r), r.currency)}</TableCell>
                  ) : null}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </CardContent>
    </Card>
  );
}
