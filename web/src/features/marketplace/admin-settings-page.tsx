import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Alert,
  Button,
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardSkeleton,
  CardTitle,
  EmptyState,
  ErrorAlert,
  Field,
  Input,
  PageHeader,
  Table,
  TableActionsHead,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  useToast,
} from '../../components/ui/index.ts';
import { errorMessage, formErrorsFrom } from '../../lib/api.ts';
import { bpsLabel, type FeeSettings, useFeeSettings, useSaveFeeSettings, useSetArtistFee } from './admin-api.ts';
import { AdminNav } from './admin-nav.tsx';
import { fulfilmentApi } from './api.ts';
import { ArtistPicker } from './artist-picker.tsx';

// Percent in the form, basis points on the wire: "12.5" ↔ 1250. Rejects anything finer than 0.01%.
const toBps = (pct: string): number | null => {
  const n = Number(pct);
  if (pct.trim() === '' || !Number.isFinite(n)) return null;
  const bps = Math.round(n * 100);
  return Math.abs(bps - n * 100) < 1e-6 ? bps : null;
};

function DefaultsForm({ settings }: { settings: FeeSettings }) {
  const save = useSaveFeeSettings();
  const { toast } = useToast();
  const [fee, setFee] = useState(String(settings.feeBps / 100));
  const [days, setDays] = useState(String(settings.returnWindowDays));
  const [errors, setErrors] = useState<{ feeBps?: string; returnWindowDays?: string; form?: string | null }>({});
  useEffect(() => {
    setFee(String(settings.feeBps / 100));
    setDays(String(settings.returnWindowDays));
  }, [settings.feeBps, settings.returnWindowDays]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const feeBps = toBps(fee);
    const returnWindowDays = Number(days);
    const local: typeof errors = {};
    if (feeBps === null || feeBps < 0 || feeBps > 10_000) local.feeBps = 'Enter a percentage from 0 to 100';
    if (!Number.isInteger(returnWindowDays) || returnWindowDays < 0 || returnWindowDays > 90)
      local.returnWindowDays = 'Enter whole days from 0 to 90';
    setErrors(local);
    if (Object.keys(local).length || feeBps === null) return;
    save.mutate(
      { feeBps, returnWindowDays },
      {
        onSuccess: () => toast({ title: 'Settings saved', variant: 'success' }),
        onError: (err) => {
          const { fieldErrors, formError } = formErrorsFrom(err, ['feeBps', 'returnWindowDays'] as const);
          setErrors({ ...fieldErrors, form: formError });
        },
      },
    );
  };

  return (
    <form onSubmit={submit} className="grid gap-4 sm:max-w-md" noValidate>
      {errors.form ? <Alert variant="error">{errors.form}</Alert> : null}
      <Field
        label="Platform fee (%)"
        error={errors.feeBps}
        hint="Taken from each sale price; the artist receives the rest. Applies to checkouts started after saving."
      >
        <Input inputMode="decimal" value={fee} onChange={(e) => setFee(e.target.value)} />
      </Field>
      <Field
        label="Return window (days)"
        error={errors.returnWindowDays}
        hint="Days after delivery before a sale's money can be paid out."
      >
        <Input inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} />
      </Field>
      <div>
        <Button type="submit" loading={save.isPending}>
          Save settings
        </Button>
      </div>
    </form>
  );
}

function OverrideForm() {
  const setFee = useSetArtistFee();
  const { toast } = useToast();
  const [accountId, setAccountId] = useState('');
  const [pct, setPct] = useState('');
  const [error, setError] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const feeBps = toBps(pct);
    if (!accountId) return setError('Choose an artist');
    if (feeBps === null || feeBps < 0 || feeBps > 10_000) return setError('Enter a percentage from 0 to 100');
    setError(null);
    setFee.mutate(
      { accountId, feeBps },
      {
        onSuccess: () => {
          toast({ title: 'Override saved', variant: 'success' });
          setPct('');
        },
        onError: (err) => setError(errorMessage(err)),
      },
    );
  };

  return (
    <form onSubmit={submit} className="grid gap-3 sm:grid-cols-[1fr_10rem_auto] sm:items-end" noValidate>
      <Field label="Artist" error={error}>
        <ArtistPicker value={accountId} onChange={(id) => setAccountId(id)} placeholder="Search for an artist…" />
      </Field>
      <Field label="Fee (%)">
        <Input inputMode="decimal" value={pct} onChange={(e) => setPct(e.target.value)} />
      </Field>
      <Button type="submit" loading={setFee.isPending}>
        Set override
      </Button>
    </form>
  );
}

/** Platform fee, return window and per-artist fee overrides. */
export function AdminSettingsPage() {
  const q = useFeeSettings();
  const clear = useSetArtistFee();
  const { toast } = useToast();
  return (
    <PageContainer>
      <PageHeader eyebrow="Marketplace admin" title="Fee settings" />
      <AdminNav current="settings" />
      {q.isPending ? (
        <CardSkeleton />
      ) : q.isError ? (
        <ErrorAlert error={q.error} onRetry={() => q.refetch()} title="Could not load the settings" />
      ) : (
        <div className="grid gap-6">
          <Card>
            <CardHeader>
              <CardTitle>Platform defaults</CardTitle>
              <CardDescription>Currently {bpsLabel(q.data.feeBps)} per sale.</CardDescription>
            </CardHeader>
            <CardContent>
              <DefaultsForm settings={q.data} />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Per-artist fees</CardTitle>
              <CardDescription>An override replaces the platform fee for that artist's new sales.</CardDescription>
            </CardHeader>
            <CardContent className="grid gap-4">
              <OverrideForm />
              {q.data.overrides.length === 0 ? (
                <EmptyState as="h3" title="No overrides" description="Every artist pays the platform fee." />
              ) : (
                <Table label="Fee overrides">
                  <TableHeader>
                    <TableRow>
                      <TableHead>Artist</TableHead>
                      <TableHead className="text-right">Fee</TableHead>
                      <TableActionsHead />
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {q.data.overrides.map((o) => (
                      <TableRow key={o.accountId}>
                        <TableCell className="font-medium">{o.name}</TableCell>
                        <TableCell className="text-right tabular-nums">{bpsLabel(o.feeBps)}</TableCell>
                        <TableCell className="text-right">
                          <Button
                            size="sm"
                            variant="destructive-ghost"
                            onClick={() =>
                              clear.mutate(
                                { accountId: o.accountId, feeBps: null },
                                {
                                  onSuccess: () => toast({ title: 'Override removed', variant: 'success' }),
                                  onError: (e) =>
                                    toast({
                                      title: 'Could not remove',
                                      description: errorMessage(e),
                                      variant: 'error',
                                    }),
                                },
                              )
                            }
                          >
                            Remove<span className="sr-only"> override for {o.name}</span>
                          </Button>
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
            </CardContent>
          </Card>
          <PayoutsCard returnWindowDays={q.data.returnWindowDays} />
        </div>
      )}
    </PageContainer>
  );
}

/** Payouts run hourly on their own; this runs them now (e.g. right after marking deliveries in a support case). */
function PayoutsCard({ returnWindowDays }: { returnWindowDays: number }) {
  const { toast } = useToast();
  const run = useMutation({ mutationFn: fulfilmentApi.runPayouts });
  return (
    <Card>
      <CardHeader>
        <CardTitle>Payouts</CardTitle>
        <CardDescription>
          Artists are paid hourly for sales delivered more than {returnWindowDays} days ago. Run it now to pay what is
          due at once; nothing is ever paid twice.
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-wrap items-center gap-4">
        <Button
          onClick={() =>
            run.mutate(undefined, {
              onError: (e) => toast({ title: 'Payouts did not run', description: errorMessage(e), variant: 'error' }),
            })
          }
          disabled={run.isPending}
        >
          {run.isPending ? 'Running payouts…' : 'Run payouts now'}
        </Button>
        {run.data ? (
          <p role="status" className="text-sm text-muted">
            {run.data.skipped
              ? 'Another payout run is in progress; try again in a minute.'
              : `${run.data.created} payout${run.data.created === 1 ? '' : 's'} created for ${run.data.artists} artist${
                  run.data.artists === 1 ? '' : 's'
                }${run.data.failed + run.data.errors ? `, ${run.data.failed + run.data.errors} could not be paid` : ''}.`}
          </p>
        ) : null}
      </CardContent>
    </Card>
  );
}
