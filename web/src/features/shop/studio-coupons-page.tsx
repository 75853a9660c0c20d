import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Alert,
  Badge,
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
  PageSpinner,
  Pagination,
  Table,
  TableActionsHead,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  useToast,
} from '../../components/ui/index.ts';
import { errorMessage } from '../../lib/api.ts';
import { formatDate } from '../../lib/format.ts';
import { formatMoney, parseMajorAmount } from '../orders/money.ts';
import {
  type Coupon,
  type CouponKind,
  serverErrors,
  useCoupons,
  useCreateCoupon,
  useSettings,
  useUpdateCoupon,
} from './api.ts';
import { dayEnd, dayStart } from './coupon-edit.ts';
import { EditCouponDialog } from './edit-coupon-dialog.tsx';
import { NoStudio, useStudio } from './studio-galleries-page.tsx';

/** The studio's coupon codes: list, create, edit the end date and limit, switch on and off. */
export function StudioCouponsPage() {
  const studio = useStudio();
  if (!studio) return <NoStudio />;
  return <Coupons accountId={studio.accountId} name={studio.name} />;
}

const PAGE_SIZE = 20;

function Coupons({ accountId, name }: { accountId: string; name: string }) {
  const coupons = useCoupons(accountId);
  const settings = useSettings(accountId);
  const update = useUpdateCoupon(accountId);
  const toast = useToast();
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<Coupon | null>(null);
  const currency = settings.data?.currency ?? 'EUR';
  const all = coupons.data?.data ?? [];
  const shown = all.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  return (
    <PageContainer>
      <PageHeader
        eyebrow={name}
        title="Coupons"
        description="Codes clients enter in the cart: percent off, a fixed amount, or free shipping."
        actions={
          <Button asChild variant="secondary">
            <Link to="/studio/shop-settings">Settings & clients</Link>
          </Button>
        }
      />
      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <div className="min-w-0">
          {coupons.isPending ? (
            <PageSpinner label="Loading coupons" />
          ) : coupons.error ? (
            <ErrorAlert error={coupons.error} onRetry={coupons.refetch} />
          ) : all.length === 0 ? (
            <EmptyState title="No coupons yet" description="Create your first code with the form." />
          ) : (
            <>
              <div className="overflow-x-auto">
                <Table label="Coupons">
                  <TableHeader>
                    <TableRow>
                      <TableHead>Code</TableHead>
                      <TableHead>Discount</TableHead>
                      <TableHead>Rules</TableHead>
                      <TableHead>Used</TableHead>
                      <TableHead>Status</TableHead>
                      <TableActionsHead />
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {shown.map((c) => (
                      <TableRow key={c.id}>
                        <TableCell className="font-mono font-medium">{c.code}</TableCell>
                        <TableCell>{describe(c, currency)}</TableCell>
                        <TableCell className="text-xs text-muted">{rules(c, currency)}</TableCell>
                        <TableCell>
                          {c.redemptions}
                          {c.maxRedemptions ? ` / ${c.maxRedemptions}` : ''}
                        </TableCell>
                        <TableCell>
                          <Badge tone={c.active ? 'success' : 'neutral'}>{c.active ? 'Active' : 'Inactive'}</Badge>
                        </TableCell>
                        <TableCell className="whitespace-nowrap">
                          <Button size="sm" variant="ghost" aria-label={`Edit ${c.code}`} onClick={() => setEditing(c)}>
                            Edit
                          </Button>
                          <Button
                            size="sm"
                            variant="ghost"
                            aria-label={`${c.active ? 'Deactivate' : 'Activate'} ${c.code}`}
                            loading={update.isPending && update.variables?.id === c.id}
                            onClick={() =>
                              update.mutate(
                                { id: c.id, active: !c.active },
                                { onError: (e) => toast.toast({ title: errorMessage(e), variant: 'error' }) },
                              )
                            }
                          >
                            {c.active ? 'Deactivate' : 'Activate'}
                          </Button>
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </div>
              <Pagination page={page} pageSize={PAGE_SIZE} total={all.length} onPageChange={setPage} />
            </>
          )}
        </div>
        <NewCoupon accountId={accountId} currency={currency} />
      </div>
      {editing ? <EditCouponDialog accountId={accountId} coupon={editing} onClose={() => setEditing(null)} /> : null}
    </PageContainer>
  );
}

function describe(c: Coupon, currency: string) {
  if (c.kind === 'percent') return `${c.value}% off`;
  if (c.kind === 'fixed') return `${formatMoney(c.value, currency)} off`;
  return 'Free shipping';
}

function rules(c: Coupon, currency: string) {
  const parts = [];
  if (c.minOrderAmount) parts.push(`min. ${formatMoney(c.minOrderAmount, currency)}`);
  if (c.startsAt) parts.push(`from ${formatDate(c.startsAt)}`);
  if (c.endsAt) parts.push(`until ${formatDate(c.endsAt)}`);
  return parts.join(' · ') || 'No limits';
}

const kinds: Array<{ value: CouponKind; label: string }> = [
  { value: 'percent', label: 'Percent off' },
  { value: 'fixed', label: 'Fixed amount off' },
  { value: 'free_shipping', label: 'Free shipping' },
];

function NewCoupon({ accountId, currency }: { accountId: string; currency: string }) {
  const create = useCreateCoupon(accountId);
  const toast = useToast();
  const [code, setCode] = useState('');
  const [kind, setKind] = useState<CouponKind>('percent');
  const [value, setValue] = useState('');
  const [minOrder, setMinOrder] = useState('');
  const [maxUses, setMaxUses] = useState('');
  const [starts, setStarts] = useState('');
  const [ends, setEnds] = useState('');
  const [active, setActive] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const server = serverErrors(create.error, [
    'code',
    'kind',
    'value',
    'minOrderAmount',
    'maxRedemptions',
    'startsAt',
    'endsAt',
  ]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    let amount = 0;
    if (kind === 'percent') {
      amount = Number(value);
      if (!Number.isInteger(amount) || amount < 1 || amount > 100) return setError('Percent must be 1 to 100.');
    } else if (kind === 'fixed') {
      const parsed = parseMajorAmount(value, currency);
      if (!parsed.ok) return setError(`Amount: ${parsed.error}`);
      amount = parsed.minor;
    }
    let minOrderAmount = 0;
    if (minOrder.trim()) {
      const parsed = parseMajorAmount(minOrder, currency);
      if (!parsed.ok) return setError(`Minimum order: ${parsed.error}`);
      minOrderAmount = parsed.minor;
    }
    const maxRedemptions = maxUses.trim() ? Number(maxUses) : null;
    if (maxRedemptions !== null && (!Number.isInteger(maxRedemptions) || maxRedemptions < 1)) {
      return setError('Maximum uses must be a whole number above zero.');
    }
    setError(null);
    create.mutate(
      {
        code: code.trim(),
        kind,
        value: amount,
        minOrderAmount,
        maxRedemptions,
        startsAt: dayStart(starts),
        endsAt: dayEnd(ends),
        active,
      },
      {
        onSuccess: (c) => {
          toast.toast({ title: `Coupon ${c.code} created`, variant: 'success' });
          setCode('');
          setValue('');
        },
      },
    );
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>New coupon</CardTitle>
      </CardHeader>
      <CardContent>
        <form onSubmit={submit} className="flex flex-col gap-3" aria-label="New coupon">
          <Field label="Code" hint="2–40 letters, digits, dashes; case does not matter" error={server.fieldErrors.code}>
            <Input value={code} onChange={(e) => setCode(e.target.value.toUpperCase())} required maxLength={40} />
          </Field>
          <Field label="Kind" error={server.fieldErrors.kind}>
            <select
              value={kind}
              onChange={(e) => setKind(e.target.value as CouponKind)}
              className="h-10 w-full rounded-control border border-border-strong bg-surface px-3 text-base sm:text-sm"
            >
              {kinds.map((k) => (
                <option key={k.value} value={k.value}>
                  {k.label}
                </option>
              ))}
            </select>
          </Field>
          {kind !== 'free_shipping' ? (
            <Field
              label={kind === 'percent' ? 'Percent off' : `Amount off (${currency})`}
              error={server.fieldErrors.value}
            >
              <Input
                inputMode={kind === 'percent' ? 'numeric' : 'decimal'}
                value={value}
                onChange={(e) => setValue(e.target.value)}
                required
              />
            </Field>
          ) : null}
          <Field label={`Minimum order (${currency})`} hint="Optional" error={server.fieldErrors.minOrderAmount}>
            <Input inputMode="decimal" value={minOrder} onChange={(e) => setMinOrder(e.target.value)} />
          </Field>
          <Field label="Maximum uses" hint="Optional" error={server.fieldErrors.maxRedemptions}>
            <Input inputMode="numeric" value={maxUses} onChange={(e) => setMaxUses(e.target.value)} />
          </Field>
          <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-1 xl:grid-cols-2">
            <Field label="Starts on" error={server.fieldErrors.startsAt}>
              <Input type="date" value={starts} onChange={(e) => setStarts(e.target.value)} />
            </Field>
            <Field label="Ends on" error={server.fieldErrors.endsAt}>
              <Input type="date" value={ends} onChange={(e) => setEnds(e.target.value)} />
            </Field>
          </div>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} /> Active
          </label>
          {error || server.formError ? <Alert variant="error">{error ?? server.formError}</Alert> : null}
          <Button type="submit" loading={create.isPending}>
            Create coupon
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}
