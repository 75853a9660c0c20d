import { useParams } from 'react-router';
import { ForbiddenState } from '../../app/guards.tsx';
import { UsersIcon } from '../../components/icons.tsx';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Alert,
  Button,
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
  EmptyState,
  ErrorAlert,
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
  TableSkeleton,
  Textarea,
  useToast,
} from '../../components/ui/index.ts';
import { useForm } from '../../lib/form.ts';
import { formatDate } from '../../lib/format.ts';
import { canManageMembers, type Membership, useSession } from '../../lib/session.tsx';
import { type Customer, useCustomers, useLogUsage, useProviderLots, useProviderUsage } from './api.ts';
import { CreditSection, LotsTable, PagedRows, UsageTable } from './credit-tables.tsx';
import { formatMinutes, parseDuration } from './format.ts';

const today = () => new Date().toISOString().slice(0, 10);

function LogTimeForm({ provider, customers }: { provider: Membership; customers: Customer[] }) {
  const log = useLogUsage(provider.accountId);
  const { toast } = useToast();
  const form = useForm(
    { organizationId: customers[0]?.organizationId ?? '', minutes: '', note: '', workedOn: today() },
    (v) => ({
      organizationId: v.organizationId ? undefined : 'Choose a customer.',
      minutes: parseDuration(v.minutes) ? undefined : 'Enter time like 1:30, 1.5 or 90m.',
      note: v.note.length > 500 ? 'Keep the note under 500 characters.' : undefined,
      workedOn: /^\d{4}-\d{2}-\d{2}$/.test(v.workedOn) ? undefined : 'Choose a date.',
    }),
  );
  const onSubmit = form.handleSubmit((v) =>
    log.mutate(
      {
        organizationId: v.organizationId,
        minutes: parseDuration(v.minutes) ?? 0,
        note: v.note.trim(),
        workedOn: v.workedOn,
      },
      {
        onSuccess: (r) => {
          toast({ title: 'Time logged', description: `${formatMinutes(r.balanceMinutes)} left.`, variant: 'success' });
          form.reset({ ...v, minutes: '', note: '' });
        },
        onError: form.applyServerError,
      },
    ),
  );
  return (
    <Card>
      <CardHeader>
        <CardTitle>Log time</CardTitle>
        <CardDescription>Paid from the customer’s prepaid hours, first-expiring first.</CardDescription>
      </CardHeader>
      <CardContent>
        <form ref={form.formRef} onSubmit={onSubmit} noValidate className="grid gap-4">
          {form.formError ? <Alert variant="error">{form.formError}</Alert> : null}
          <div className="grid gap-4 sm:grid-cols-3">
            <Field label="Customer" error={form.errors.organizationId} required>
              <Select
                name="organizationId"
                value={form.values.organizationId}
                onValueChange={(id) => form.setValue('organizationId', id)}
                options={customers.map((c) => ({ value: c.organizationId, label: c.name }))}
              />
            </Field>
            <Field label="Time" hint="e.g. 1:30, 1.5 or 90m" error={form.errors.minutes} required>
              <Input inputMode="decimal" autoComplete="off" {...form.bind('minutes')} />
            </Field>
            <Field label="Date" error={form.errors.workedOn} required>
              <Input type="date" max={today()} {...form.bind('workedOn')} />
            </Field>
          </div>
          <Field label="Note" error={form.errors.note}>
            <Textarea rows={2} maxLength={500} {...form.bind('note')} />
          </Field>
          <div>
            <Button type="submit" loading={log.isPending}>
              Log time
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}

function Customers({ provider }: { provider: Membership }) {
  const customers = useCustomers(provider.accountId);
  const lots = useProviderLots(provider.accountId);
  const usage = useProviderUsage(provider.accountId);
  // The page appears whole, as one answer did before lots and usage were paged.
  if (customers.isPending || lots.isPending || usage.isPending) {
    return <TableSkeleton rows={3} columns={3} label="Loading customers" />;
  }
  if (customers.isError) {
    return <ErrorAlert error={customers.error} onRetry={() => customers.refetch()} title="Could not load customers" />;
  }
  const { data } = customers.data;
  if (data.length === 0) {
    return (
      <EmptyState
        as="h2"
        icon={UsersIcon}
        title="No customers yet"
        description="Organizations appear here after they buy one of your bundles."
      />
    );
  }
  const name = (id: string) => data.find((c) => c.organizationId === id)?.name ?? 'Organization';
  return (
    <div className="grid gap-8">
      <LogTimeForm provider={provider} customers={data} />
      <Table label="Customers">
        <TableHeader>
          <TableRow>
            <TableHead>Organization</TableHead>
            <TableHead>Customer since</TableHead>
            <TableHead>Hours left</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {data.map((c) => (
            <TableRow key={c.organizationId} data-testid="customer-row" data-organization-id={c.organizationId}>
              <TableCell className="font-medium">{c.name}</TableCell>
              <TableCell>{formatDate(c.firstPurchaseAt)}</TableCell>
              <TableCell data-testid="customer-balance" data-minutes={c.balanceMinutes}>
                {formatMinutes(c.balanceMinutes)}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <CreditSection title="Lots">
        <PagedRows query={lots} label="lots">
          {(rows) => <LotsTable lots={rows} names={(l) => name(l.organizationId)} />}
        </PagedRows>
      </CreditSection>
      <CreditSection title="Logged time">
        <PagedRows query={usage} label="logged time">
          {(rows) => <UsageTable usage={rows} names={(u) => name(u.organizationId)} />}
        </PagedRows>
      </CreditSection>
    </div>
  );
}

/** A provider's customers with balances, and the time-logging form (provider admins). */
export function ProviderCustomersPage() {
  const { slug } = useParams();
  const { memberships } = useSession();
  const provider = memberships.find((m) => m.slug === slug && m.kind === 'provider');
  if (!provider || !canManageMembers(provider.role)) {
    return (
      <ForbiddenState
        title="Only provider admins can see customers"
        description="Customer balances are visible to the provider’s admins and owners."
      />
    );
  }
  return (
    <PageContainer>
      <PageHeader eyebrow={provider.name} title="Customers" description="Prepaid hours by organization." />
      <Customers provider={provider} />
    </PageContainer>
  );
}
