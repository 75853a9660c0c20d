import { useEffect, useRef } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ForbiddenState } from '../../app/guards.tsx';
import { CoinsIcon } from '../../components/icons.tsx';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Button,
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
  EmptyState,
  ErrorAlert,
  PageHeader,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  TableSkeleton,
  useToast,
} from '../../components/ui/index.ts';
import { formatDate } from '../../lib/format.ts';
import { useSession } from '../../lib/session.tsx';
import { type Purchase, useOrgCredits, useOrgLots, useOrgUsage } from './api.ts';
import { CreditSection, LotsTable, PagedRows, UsageTable } from './credit-tables.tsx';
import { formatMinutes, formatMoney } from './format.ts';

const link = 'text-accent-800 underline-offset-2 hover:underline';

/** Bundle purchases with their invoice (server-rendered page) and Stripe receipt. */
function PurchasesTable({ purchases, names }: { purchases: Purchase[]; names: (p: Purchase) => string }) {
  return (
    <Table label="Purchases">
      <TableHeader>
        <TableRow>
          <TableHead>Paid</TableHead>
          <TableHead>Bundle</TableHead>
          <TableHead>With</TableHead>
          <TableHead>Amount</TableHead>
          <TableHead>Documents</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {purchases.map((p) => (
          <TableRow key={p.orderId} data-testid="purchase-row" data-order-id={p.orderId}>
            <TableCell className="whitespace-nowrap">{p.paidAt ? formatDate(p.paidAt) : '—'}</TableCell>
            <TableCell>{p.description}</TableCell>
            <TableCell>{names(p)}</TableCell>
            <TableCell className="whitespace-nowrap">{formatMoney(p.total, p.currency)}</TableCell>
            <TableCell>
              <span className="flex flex-wrap gap-x-3 gap-y-1">
                {p.invoiceId ? (
                  // Server-rendered pages, not SPA routes: plain links.
                  <a className={link} href={`/invoices/${p.invoiceId}`} target="_blank" rel="noreferrer">
                    Invoice {p.invoiceNumber}
                  </a>
                ) : null}
                {p.receiptUrl ? (
                  <a className={link} href={p.receiptUrl} target="_blank" rel="noreferrer">
                    Receipt
                  </a>
                ) : null}
                {!p.invoiceId && !p.receiptUrl ? <span className="text-muted">Pending</span> : null}
              </span>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function OrgCredits({ orgId, orgName, awaitingPayment }: { orgId: string; orgName: string; awaitingPayment: boolean }) {
  const credits = useOrgCredits(orgId, awaitingPayment);
  const lots = useOrgLots(orgId, awaitingPayment);
  const usage = useOrgUsage(orgId);
  // The page appears whole, as one answer did before lots and usage were paged.
  if (credits.isPending || lots.isPending || usage.isPending) {
    return <TableSkeleton rows={3} columns={4} label="Loading credits" />;
  }
  if (credits.isError) {
    return <ErrorAlert error={credits.error} onRetry={() => credits.refetch()} title="Could not load credits" />;
  }
  const { balances } = credits.data;
  // The purchases behind the lots loaded so far; each lots page brings its own.
  const purchases = lots.data?.pages.flatMap((p) => p.purchases) ?? [];
  const provider = (id: string) => balances.find((b) => b.providerId === id)?.providerName ?? 'Provider';
  // Every lot has a balance row (zero once used up or expired), so no balances means no hours bought.
  if (balances.length === 0) {
    return (
      <EmptyState
        as="h2"
        icon={CoinsIcon}
        title="No hours yet"
        description={`${orgName} has not bought expert-service hours.`}
        action={
          <Button asChild>
            <Link to="/expert-services">Browse expert services</Link>
          </Button>
        }
      />
    );
  }
  return (
    <div className="grid gap-8">
      <section aria-label="Balances" className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {balances.map((b) => (
          <Card key={b.providerId} data-testid="balance-card" data-provider-id={b.providerId}>
            <CardHeader>
              <CardTitle>{b.providerName}</CardTitle>
              <CardDescription>
                {b.nextExpiry ? `Next hours expire ${formatDate(b.nextExpiry)}` : 'No hours left'}
              </CardDescription>
            </CardHeader>
            <CardContent>
              <p className="text-3xl font-semibold" data-testid="balance-minutes" data-minutes={b.minutes}>
                {formatMinutes(b.minutes)}
              </p>
            </CardContent>
          </Card>
        ))}
      </section>
      <CreditSection title="Purchased hours">
        <PagedRows query={lots} label="purchased hours">
          {(rows) => <LotsTable lots={rows} names={(l) => provider(l.providerId)} />}
        </PagedRows>
      </CreditSection>
      {purchases.length > 0 ? (
        <CreditSection title="Purchases">
          <PurchasesTable purchases={purchases} names={(p) => provider(p.providerId)} />
        </CreditSection>
      ) : null}
      <CreditSection title="Usage history">
        <PagedRows query={usage} label="usage history">
          {(rows) => <UsageTable usage={rows} names={(u) => provider(u.providerId)} />}
        </PagedRows>
      </CreditSection>
    </div>
  );
}

/** An organization's expert-service credits: balance per provider, lots with expiry, usage history. */
export function OrgCreditsPage() {
  const { slug } = useParams();
  const [params] = useSearchParams();
  const { memberships } = useSession();
  const { toast } = useToast();
  const paid = params.get('payment') === 'success';
  const toasted = useRef(false);
  useEffect(() => {
    if (!paid || toasted.current) return;
    toasted.current = true;
    toast({
      title: 'Payment received',
      description: 'Your hours appear here as soon as the payment is confirmed.',
      variant: 'success',
    });
  }, [paid, toast]);
  const org = memberships.find((m) => m.slug === slug && m.kind === 'organization');
  if (!org) {
    return (
      <ForbiddenState
        title="Organization not found"
        description="You are not a member of this organization, or it does not exist."
      />
    );
  }
  return (
    <PageContainer>
      <PageHeader
        eyebrow={org.name}
        title="Expert-service hours"
        description="Hours are used first-expiring first and expire 24 months after purchase."
        actions={
          <Button asChild variant="secondary">
            <Link to="/expert-services">Buy more hours</Link>
          </Button>
        }
      />
      <OrgCredits orgId={org.accountId} orgName={org.name} awaitingPayment={paid} />
    </PageContainer>
  );
}
