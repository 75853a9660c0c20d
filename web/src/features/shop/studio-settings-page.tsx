import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { ConfirmDelete } from '../../components/confirm-delete.tsx';
import { CursorResults, useCursorPages } from '../../components/cursor-results.tsx';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Alert,
  Button,
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
  Dialog,
  DialogContent,
  DialogFooter,
  EmptyState,
  ErrorAlert,
  Field,
  Input,
  PageHeader,
  PageSpinner,
  Table,
  TableActionsHead,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Textarea,
  useToast,
} from '../../components/ui/index.ts';
import { errorMessage } from '../../lib/api.ts';
import {
  type ReturnAddress,
  type Settings,
  type StudioClient,
  serverErrors,
  useClients,
  useCreateClient,
  useDeleteClient,
  useRemoveLogo,
  useSaveSettings,
  useSettings,
  useUpdateClient,
  useUploadLogo,
} from './api.ts';
import { formatRates, parseRates } from './options.ts';
import { NoStudio, useStudio } from './studio-galleries-page.tsx';

const DEFAULT_ACCENT = '#1c1917';

/** Studio shop settings (currency, tax, shipping, return address), branding (logo, accent colour) and clients. */
export function StudioSettingsPage() {
  const studio = useStudio();
  if (!studio) return <NoStudio />;
  return (
    <PageContainer>
      <PageHeader
        eyebrow={studio.name}
        title="Shop settings & clients"
        actions={
          <Button asChild variant="secondary">
            <Link to="/studio/coupons">Coupons</Link>
          </Button>
        }
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <SettingsLoader accountId={studio.accountId} />
        <Clients accountId={studio.accountId} />
      </div>
    </PageContainer>
  );
}

function SettingsLoader({ accountId }: { accountId: string }) {
  const settings = useSettings(accountId);
  if (settings.isPending) return <PageSpinner label="Loading settings" />;
  if (settings.error) return <ErrorAlert error={settings.error} onRetry={settings.refetch} />;
  return (
    <div className="flex flex-col gap-6">
      <Branding accountId={accountId} settings={settings.data} />
      <SettingsForm accountId={accountId} initial={settings.data} />
    </div>
  );
}

function Branding({ accountId, settings }: { accountId: string; settings: Settings }) {
  const upload = useUploadLogo(accountId);
  const remove = useRemoveLogo(accountId);
  const toast = useToast();
  const error = upload.error ?? remove.error;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Logo</CardTitle>
        <CardDescription>Shown at the top of your client galleries. PNG, JPEG or WebP up to 5 MB.</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        {settings.logoUrl ? (
          <div className="flex items-center justify-center rounded border border-border bg-stone-50 p-4">
            <img src={settings.logoUrl} alt="Current logo" className="max-h-20 max-w-full object-contain" />
          </div>
        ) : (
          <p className="text-sm text-muted">No logo yet; galleries show your studio name.</p>
        )}
        <Field label="Logo">
          <Input
            type="file"
            accept="image/png,image/jpeg,image/webp"
            disabled={upload.isPending}
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file)
                upload.mutate(file, { onSuccess: () => toast.toast({ title: 'Logo saved', variant: 'success' }) });
            }}
          />
        </Field>
        {upload.isPending ? <p className="text-sm text-muted">Uploading…</p> : null}
        {error ? <Alert variant="error">{errorMessage(error)}</Alert> : null}
        {settings.logoUrl ? (
          <Button type="button" variant="secondary" loading={remove.isPending} onClick={() => remove.mutate()}>
            Remove logo
          </Button>
        ) : null}
      </CardContent>
    </Card>
  );
}

const emptyAddress: ReturnAddress = { name: '', line1: '', line2: '', city: '', postalCode: '', country: '' };
const addressFields: Array<[keyof ReturnAddress, string]> = [
  ['name', 'Return name'],
  ['line1', 'Address line 1'],
  ['line2', 'Address line 2'],
  ['city', 'City'],
  ['postalCode', 'Postal code'],
  ['country', 'Country'],
];

const settingsFields = [
  'currency',
  'taxRateBps',
  'shippingRates',
  'accentColor',
  'stripePromotionCodes',
  'stripeShippingChoice',
  ...addressFields.map(([k]) => `returnAddress.${k}` as const),
] as const;

function SettingsForm({ accountId, initial }: { accountId: string; initial: Settings }) {
  const save = useSaveSettings(accountId);
  const toast = useToast();
  const [currency, setCurrency] = useState(initial.currency);
  const [taxPercent, setTaxPercent] = useState(String(initial.taxRateBps / 100));
  const [inclusive, setInclusive] = useState(initial.taxInclusive);
  const [rates, setRates] = useState(formatRates(initial.shippingRates, initial.currency));
  const [useAccent, setUseAccent] = useState(initial.accentColor !== null);
  const [accent, setAccent] = useState(initial.accentColor ?? DEFAULT_ACCENT);
  const [address, setAddress] = useState<ReturnAddress>({ ...emptyAddress, ...(initial.returnAddress ?? {}) });
  const [promotionCodes, setPromotionCodes] = useState(initial.stripePromotionCodes);
  const [shippingChoice, setShippingChoice] = useState(initial.stripeShippingChoice);
  const [error, setError] = useState<string | null>(null);
  const server = serverErrors(save.error, settingsFields);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const shippingRates = parseRates(rates, currency);
    const bps = Math.round(Number(taxPercent) * 100);
    if (typeof shippingRates === 'string') return setError(shippingRates);
    if (!Number.isFinite(bps) || bps < 0 || bps > 10_000) return setError('Tax must be between 0 and 100 %');
    const blank = Object.values(address).every((v) => !v.trim());
    setError(null);
    save.mutate(
      {
        currency: currency.toUpperCase(),
        taxRateBps: bps,
        taxInclusive: inclusive,
        shippingRates,
        returnAddress: blank ? null : { ...address, country: address.country.toUpperCase() },
        accentColor: useAccent ? accent.toLowerCase() : null,
        stripePromotionCodes: promotionCodes,
        stripeShippingChoice: shippingChoice,
      },
      { onSuccess: () => toast.toast({ title: 'Settings saved', variant: 'success' }) },
    );
  };
  // Server field errors for the address arrive as "returnAddress.city" style paths.
  const addressError = (k: keyof ReturnAddress) => server.fieldErrors[`returnAddress.${k}`];
  return (
    <Card>
      <CardHeader>
        <CardTitle>Shop settings</CardTitle>
      </CardHeader>
      <CardContent>
        <form onSubmit={submit} className="flex flex-col gap-3" aria-label="Shop settings">
          <Field label="Currency" hint="ISO code, e.g. EUR" error={server.fieldErrors.currency}>
            <Input value={currency} maxLength={3} onChange={(e) => setCurrency(e.target.value.toUpperCase())} />
          </Field>
          <Field label="Tax rate (%)" error={server.fieldErrors.taxRateBps}>
            <Input inputMode="decimal" value={taxPercent} onChange={(e) => setTaxPercent(e.target.value)} />
          </Field>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={inclusive} onChange={(e) => setInclusive(e.target.checked)} /> Prices
            include tax
          </label>
          <Field
            label="Shipping rates"
            hint="One per line: id | name | price | countries (optional, e.g. DE FR) | delivery days (optional, e.g. 3-5)"
            error={server.fieldErrors.shippingRates}
          >
            <Textarea rows={4} value={rates} onChange={(e) => setRates(e.target.value)} />
          </Field>
          <fieldset className="flex flex-col gap-3" aria-describedby="stripe-checkout-note">
            <legend className="mb-1 text-sm font-medium">Stripe payment page</legend>
            <p id="stripe-checkout-note" className="text-sm text-muted">
              Tax on top of prices always shows as Stripe's tax lines. Orders record what Stripe finally charged.
            </p>
            <CheckboxField
              id="stripe-promotion-codes"
              label="Accept Stripe promotion codes at checkout"
              hint="Buyers can enter a Gallerist promotion code on the payment page; its discount comes off your order. Codes don't stack with your coupons: a cart with one of your coupons applied can't take a promotion code too."
              checked={promotionCodes}
              onChange={setPromotionCodes}
              error={server.fieldErrors.stripePromotionCodes}
            />
            <CheckboxField
              id="stripe-shipping-choice"
              label="Let buyers choose shipping on the Stripe payment page"
              hint="Otherwise buyers choose a rate in the cart. Stripe can't hide a rate by country, so every rate must ship to the same countries (or all worldwide), five rates at most."
              checked={shippingChoice}
              onChange={setShippingChoice}
              error={server.fieldErrors.stripeShippingChoice}
            />
          </fieldset>
          <fieldset className="flex flex-col gap-2">
            <legend className="mb-1 text-sm font-medium">Gallery accent colour</legend>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={useAccent} onChange={(e) => setUseAccent(e.target.checked)} /> Use an
              accent colour on gallery buttons and header
            </label>
            <div className="flex items-center gap-3">
              <Field label="Accent colour" error={server.fieldErrors.accentColor}>
                <input
                  type="color"
                  value={accent}
                  disabled={!useAccent}
                  onChange={(e) => setAccent(e.target.value)}
                  className="h-10 w-16 cursor-pointer rounded border border-border-strong bg-surface p-1 disabled:opacity-50"
                />
              </Field>
              <span
                className="mt-6 rounded px-3 py-2 text-sm font-medium text-white"
                style={{ backgroundColor: useAccent ? accent : DEFAULT_ACCENT }}
                aria-hidden="true"
              >
                Buy print
              </span>
            </div>
          </fieldset>
          <fieldset className="grid gap-2 sm:grid-cols-2">
            <legend className="mb-1 text-sm font-medium">Return address</legend>
            {addressFields.map(([k, label]) => (
              <Field key={k} label={label} error={addressError(k)} className={k === 'name' ? 'sm:col-span-2' : ''}>
                <Input
                  value={address[k]}
                  maxLength={k === 'country' ? 2 : k === 'postalCode' ? 20 : 200}
                  placeholder={k === 'country' ? 'DE' : undefined}
                  autoComplete={k === 'country' ? 'country' : k === 'postalCode' ? 'postal-code' : undefined}
                  onChange={(e) => setAddress({ ...address, [k]: e.target.value })}
                />
              </Field>
            ))}
          </fieldset>
          {error || server.formError ? <Alert variant="error">{error ?? server.formError}</Alert> : null}
          <Button type="submit" loading={save.isPending}>
            Save settings
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}

/** A checkbox with its label, an explanation under it and the server's error, all tied to the input. */
function CheckboxField({
  id,
  label,
  hint,
  checked,
  onChange,
  error,
}: {
  id: string;
  label: string;
  hint: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  error?: string;
}) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="flex items-start gap-2 text-sm font-medium">
        <input
          id={id}
          type="checkbox"
          className="mt-0.5"
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
          aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
          aria-invalid={error ? true : undefined}
        />
        {label}
      </label>
      <p id={`${id}-hint`} className="pl-6 text-sm text-muted">
        {hint}
      </p>
      {error ? (
        <p id={`${id}-error`} className="pl-6 text-sm font-medium text-danger">
          {error}
        </p>
      ) : null}
    </div>
  );
}

const PAGE_SIZE = 20;

function Clients({ accountId }: { accountId: string }) {
  const [q, setQ] = useState('');
  const pages = useCursorPages(q);
  const clients = useClients(accountId, q, pages.cursor, PAGE_SIZE);
  const create = useCreateClient(accountId);
  const remove = useDeleteClient(accountId);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [notes, setNotes] = useState('');
  const [editing, setEditing] = useState<StudioClient | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { name, email, notes },
      {
        onSuccess: () => {
          setName('');
          setEmail('');
          setNotes('');
        },
      },
    );
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>Clients</CardTitle>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        <form onSubmit={submit} className="grid gap-2 sm:grid-cols-2" aria-label="Add a client">
          <Field label="Name">
            <Input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
          </Field>
          <Field label="Email">
            <Input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
          </Field>
          <Field label="Notes" className="sm:col-span-2">
            <Textarea rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} maxLength={2000} />
          </Field>
          <Button type="submit" loading={create.isPending} className="sm:col-span-2">
            Add client
          </Button>
        </form>
        {create.error ? <Alert variant="error">{errorMessage(create.error)}</Alert> : null}
        <Input
          type="search"
          aria-label="Search clients"
          placeholder="Search by name or email"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <CursorResults
          query={clients}
          pages={pages}
          loading={{ label: 'Loading clients', columns: 3 }}
          errorTitle="Could not load clients"
          empty={<EmptyState title={q ? 'No matching clients' : 'No clients yet'} description="Add one above." />}
          pagesLabel="Clients pages"
        >
          {(rows) => (
            <Table label="Clients">
              <TableHeader>
                <TableRow>
                  <TableHead>Name</TableHead>
                  <TableHead>Email</TableHead>
                  <TableActionsHead />
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map((c) => (
                  <TableRow key={c.id}>
                    <TableCell>
                      {c.name}
                      {c.notes ? <span className="block text-xs text-muted">{c.notes}</span> : null}
                    </TableCell>
                    <TableCell className="break-all">{c.email}</TableCell>
                    <TableCell>
                      <div className="flex justify-end gap-1">
                        <Button size="sm" variant="ghost" aria-label={`Edit ${c.name}`} onClick={() => setEditing(c)}>
                          Edit
                        </Button>
                        <ConfirmDelete
                          name={c.name}
                          description="Their galleries stay; they just lose the link to this client."
                          confirmLabel="Delete client"
                          onDelete={() => remove.mutateAsync(c.id)}
                        />
                      </div>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CursorResults>
        {editing ? <EditClient accountId={accountId} client={editing} onClose={() => setEditing(null)} /> : null}
      </CardContent>
    </Card>
  );
}

function EditClient({ accountId, client, onClose }: { accountId: string; client: StudioClient; onClose: () => void }) {
  const update = useUpdateClient(accountId);
  const [name, setName] = useState(client.name);
  const [email, setEmail] = useState(client.email);
  const [notes, setNotes] = useState(client.notes);
  const errors = serverErrors(update.error, ['name', 'email', 'notes']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({ id: client.id, name, email, notes }, { onSuccess: onClose });
  };
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent title={`Edit ${client.name}`}>
        <form onSubmit={submit} className="flex flex-col gap-3">
          <Field label="Client name" error={errors.fieldErrors.name}>
            <Input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
          </Field>
          <Field label="Client email" error={errors.fieldErrors.email}>
            <Input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
          </Field>
          <Field label="Client notes" error={errors.fieldErrors.notes}>
            <Textarea rows={3} value={notes} onChange={(e) => setNotes(e.target.value)} maxLength={2000} />
          </Field>
          {errors.formError ? <Alert variant="error">{errors.formError}</Alert> : null}
          <DialogFooter>
            <Button type="button" variant="secondary" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={update.isPending}>
              Save client
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
