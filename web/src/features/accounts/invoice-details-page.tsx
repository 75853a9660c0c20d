import { BillingAddress, TAX_ID_MAX, TaxId } from '../../../../src/accounts/fields.ts';
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
  ErrorAlert,
  Field,
  Input,
  PageHeader,
  useToast,
} from '../../components/ui/index.ts';
import { type Errors, useForm } from '../../lib/form.ts';
import type { Membership } from '../../lib/session.tsx';
import { fieldError } from '../../lib/validation.ts';
import { AccountGate } from './account-gate.tsx';
import { type LegalDetails, type LegalDetailsInput, useLegalDetails, useSaveLegalDetails } from './api.ts';

// Form keys match the API's field paths, so a 400's `fieldErrors` lands on the right input.
type Values = {
  taxId: string;
  'billingAddress.line1': string;
  'billingAddress.line2': string;
  'billingAddress.postalCode': string;
  'billingAddress.city': string;
  'billingAddress.state': string;
  'billingAddress.country': string;
};
type AddressKey = 'line1' | 'line2' | 'postalCode' | 'city' | 'state' | 'country';
const ADDRESS_KEYS: AddressKey[] = ['line1', 'line2', 'postalCode', 'city', 'state', 'country'];
const key = (k: AddressKey) => `billingAddress.${k}` as const;

function toValues(d: LegalDetails): Values {
  const a = d.billingAddress ?? {};
  return {
    taxId: d.taxId ?? '',
    ...(Object.fromEntries(ADDRESS_KEYS.map((k) => [key(k), a[k] ?? ''])) as Omit<Values, 'taxId'>),
  };
}

const hasAddress = (v: Values) => ADDRESS_KEYS.some((k) => v[key(k)].trim() !== '');

function validate(v: Values): Errors<Values> {
  const errors: Errors<Values> = { taxId: v.taxId.trim() ? fieldError(TaxId, v.taxId) : undefined };
  // The address is optional as a whole; once any line is filled, it must be a complete one.
  if (hasAddress(v)) for (const k of ADDRESS_KEYS) errors[key(k)] = fieldError(BillingAddress.shape[k], v[key(k)]);
  return errors;
}

function toInput(v: Values): LegalDetailsInput {
  return {
    taxId: v.taxId.trim() ? v.taxId : null,
    billingAddress: hasAddress(v)
      ? {
          line1: v[key('line1')],
          line2: v[key('line2')],
          postalCode: v[key('postalCode')],
          city: v[key('city')],
          state: v[key('state')],
          country: v[key('country')],
        }
      : null,
  };
}

function addressLines(a: Record<string, string> | null): string[] {
  if (!a) return [];
  return [a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(' '), a.state, a.country].filter(
    (l): l is string => Boolean(l),
  );
}

function ReadOnlyDetails({ details }: { details: LegalDetails }) {
  const address = addressLines(details.billingAddress ?? details.fallbackAddress);
  return (
    <dl className="grid gap-4 text-sm sm:grid-cols-2">
      <div>
        <dt className="font-medium text-muted">Tax ID</dt>
        <dd className="mt-1">{details.taxId ?? 'None'}</dd>
      </div>
      <div>
        <dt className="font-medium text-muted">
          {details.billingAddress || !details.fallbackAddress ? 'Billing address' : 'Return address (used on invoices)'}
        </dt>
        <dd className="mt-1">
          {address.length ? (
            <address className="not-italic">
              {address.map((l) => (
                <span key={l} className="block">
                  {l}
                </span>
              ))}
            </address>
          ) : (
            'None'
          )}
        </dd>
      </div>
    </dl>
  );
}

function DetailsForm({ account, details }: { account: Membership; details: LegalDetails }) {
  const save = useSaveLegalDetails(account.accountId);
  const { toast } = useToast();
  const form = useForm<Values>(toValues(details), validate);

  const onSubmit = form.handleSubmit((values) =>
    save.mutate(toInput(values), {
      onSuccess: (saved) => {
        form.reset(toValues(saved));
        toast({ title: 'Invoice details saved', description: 'New invoices will show them.', variant: 'success' });
      },
      onError: form.applyServerError,
    }),
  );

  return (
    <form ref={form.formRef} onSubmit={onSubmit} noValidate className="grid gap-5" aria-label="Invoice details">
      {form.formError ? <Alert variant="error">{form.formError}</Alert> : null}
      <Field
        label="Tax ID"
        error={form.errors.taxId}
        hint="Your VAT number (with its country prefix, like DE123456789) or other tax id. Leave it empty if you have none."
      >
        <Input autoComplete="off" maxLength={TAX_ID_MAX + 10} spellCheck={false} {...form.bind('taxId')} />
      </Field>
      <fieldset className="grid gap-4">
        <legend className="mb-1 text-sm font-semibold">Billing address</legend>
        <p className="-mt-2 text-sm text-muted">
          {details.fallbackAddress
            ? 'Optional: without one, invoices show your studio’s return address.'
            : 'Optional: the postal address printed under your name on invoices.'}
        </p>
        <Field label="Street address" error={form.errors[key('line1')]}>
          <Input autoComplete="address-line1" {...form.bind(key('line1'))} />
        </Field>
        <Field label="Address line 2" error={form.errors[key('line2')]}>
          <Input autoComplete="address-line2" {...form.bind(key('line2'))} />
        </Field>
        <div className="grid gap-4 sm:grid-cols-[10rem_1fr]">
          <Field label="Postal code" error={form.errors[key('postalCode')]}>
            <Input autoComplete="postal-code" {...form.bind(key('postalCode'))} />
          </Field>
          <Field label="City" error={form.errors[key('city')]}>
            <Input autoComplete="address-level2" {...form.bind(key('city'))} />
          </Field>
        </div>
        <div className="grid gap-4 sm:grid-cols-[1fr_10rem]">
          <Field label="Region or state" error={form.errors[key('state')]}>
            <Input autoComplete="address-level1" {...form.bind(key('state'))} />
          </Field>
          <Field label="Country code" error={form.errors[key('country')]} hint="Two letters, like DE">
            <Input autoComplete="country" maxLength={2} className="uppercase" {...form.bind(key('country'))} />
          </Field>
        </div>
      </fieldset>
      <div>
        <Button type="submit" loading={save.isPending}>
          Save invoice details
        </Button>
      </div>
    </form>
  );
}

function AccountInvoiceDetails({ account }: { account: Membership }) {
  const details = useLegalDetails(account.accountId);
  return (
    <PageContainer>
      <PageHeader
        eyebrow={account.name}
        title="Invoice details"
        description="The tax ID and address printed as the seller on your invoices and receipts. Changes apply to invoices issued from now on; issued ones keep what they were issued with."
      />
      <Card>
        <CardHeader>
          <CardTitle>Seller details</CardTitle>
          <CardDescription>
            {details.data && !details.data.canEdit
              ? 'Only owners and admins can change these.'
              : `Invoices name ${account.name} as the seller.`}
          </CardDescription>
        </CardHeader>
        <CardContent>
          {details.isPending ? (
            <CardSkeleton label="Loading invoice details" />
          ) : details.isError ? (
            <ErrorAlert
              error={details.error}
              onRetry={() => details.refetch()}
              title="Could not load invoice details"
            />
          ) : details.data.canEdit ? (
            <DetailsForm key={account.accountId} account={account} details={details.data} />
          ) : (
            <ReadOnlyDetails details={details.data} />
          )}
        </CardContent>
      </Card>
    </PageContainer>
  );
}

/** An account's seller details for invoices: owners and admins edit them, members see them read-only. */
export function InvoiceDetailsPage() {
  return (
    <AccountGate
      title="Invoice details"
      emptyDescription="Invoice details belong to an account. Create one for your studio, practice or team first."
      chooseHeading="Which account’s invoice details do you want to see?"
    >
      {(account) => <AccountInvoiceDetails account={account} />}
    </AccountGate>
  );
}
