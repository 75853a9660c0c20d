import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { CoinsIcon } from '../../components/icons.tsx';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Alert,
  Button,
  Card,
  CardContent,
  CardDescription,
  CardFooter,
  CardHeader,
  CardSkeleton,
  CardTitle,
  Dialog,
  DialogContent,
  DialogFooter,
  DialogTrigger,
  EmptyState,
  ErrorAlert,
  Field,
  PageHeader,
  Select,
  useToast,
} from '../../components/ui/index.ts';
import { errorMessage } from '../../lib/api.ts';
import { canManageMembers, type Membership, useSession } from '../../lib/session.tsx';
import { type Bundle, useBundles, useBuyBundle } from './api.ts';
import { formatMoney } from './format.ts';

/** Confirms which organization pays, then hands over to Stripe Checkout. */
function BuyDialog({ bundle, orgs }: { bundle: Bundle; orgs: Membership[] }) {
  const [orgId, setOrgId] = useState(orgs[0]?.accountId ?? '');
  const buy = useBuyBundle();
  const org = orgs.find((o) => o.accountId === orgId);
  const onBuy = () =>
    buy.mutate(
      { bundleId: bundle.id, organizationId: orgId },
      { onSuccess: ({ checkoutUrl }) => window.location.assign(checkoutUrl) },
    );
  return (
    <Dialog>
      <DialogTrigger asChild>
        <Button className="w-full" aria-label={`Purchase ${bundle.name}`}>
          Purchase
        </Button>
      </DialogTrigger>
      <DialogContent
        title={`Purchasing as ${org?.name ?? 'your organization'}`}
        description={`${bundle.name} from ${bundle.providerName}: ${bundle.hours} hours for ${formatMoney(bundle.priceAmount, bundle.currency)}. Hours can be used for 24 months after payment.`}
      >
        <div className="grid gap-4">
          {orgs.length > 1 ? (
            <Field label="Organization">
              <Select
                value={orgId}
                onValueChange={setOrgId}
                options={orgs.map((o) => ({ value: o.accountId, label: o.name }))}
              />
            </Field>
          ) : null}
          {buy.isError ? <Alert variant="error">{errorMessage(buy.error)}</Alert> : null}
        </div>
        <DialogFooter>
          <Button onClick={onBuy} loading={buy.isPending} disabled={!orgId}>
            Continue to payment
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function BundleCard({ bundle, orgs }: { bundle: Bundle; orgs: Membership[] }) {
  const perHour = Math.round(bundle.priceAmount / bundle.hours);
  return (
    <Card className="flex flex-col" data-testid="bundle-card" data-bundle-id={bundle.id} data-hours={bundle.hours}>
      <CardHeader>
        <CardTitle>{bundle.name}</CardTitle>
        <CardDescription>{bundle.hours} hours of expert time</CardDescription>
      </CardHeader>
      <CardContent className="grow">
        <p className="text-2xl font-semibold">{formatMoney(bundle.priceAmount, bundle.currency)}</p>
        <p className="text-sm text-muted">{formatMoney(perHour, bundle.currency)} per hour</p>
      </CardContent>
      {/* Without an organization to buy for, the page says why once, above the catalog, not on every card. */}
      {orgs.length > 0 ? (
        <CardFooter>
          <BuyDialog bundle={bundle} orgs={orgs} />
        </CardFooter>
      ) : null}
    </Card>
  );
}

/** The catalog of expert-service bundles, grouped by provider. */
export function ExpertServicesPage() {
  const bundles = useBundles();
  const { memberships } = useSession();
  const [params] = useSearchParams();
  const { toast } = useToast();
  const cancelled = params.get('payment') === 'cancelled';
  const toasted = useRef(false);
  useEffect(() => {
    if (!cancelled || toasted.current) return;
    toasted.current = true;
    toast({ title: 'Payment cancelled', description: 'Nothing was charged.' });
  }, [cancelled, toast]);
  const adminOrgs = memberships.filter((m) => m.kind === 'organization' && canManageMembers(m.role));
  // Shortcuts to the pages this user can open: their organizations' hours, their providers' customers.
  const shortcuts = [
    ...memberships
      .filter((m) => m.kind === 'organization')
      .map((m) => ({ to: `/org/${m.slug}`, label: `${m.name} hours` })),
    ...memberships
      .filter((m) => m.kind === 'provider' && canManageMembers(m.role))
      .map((m) => ({ to: `/provider/${m.slug}/customers`, label: `${m.name} customers` })),
  ];
  const byProvider = new Map<string, Bundle[]>();
  for (const b of bundles.data ?? []) byProvider.set(b.providerName, [...(byProvider.get(b.providerName) ?? []), b]);

  return (
    <PageContainer>
      <PageHeader
        title="Expert services"
        description="Buy prepaid hours from service providers. Your organization’s hours are used as the provider logs work."
        actions={shortcuts.map((s) => (
          <Button key={s.to} asChild variant="secondary">
            <Link to={s.to}>{s.label}</Link>
          </Button>
        ))}
      />
      {adminOrgs.length === 0 && byProvider.size > 0 ? (
        <div className="mb-6" data-testid="ask-admin">
          <Alert>
            {memberships.some((m) => m.kind === 'organization')
              ? 'Only your organization’s admins can buy hours: ask one of them.'
              : 'Hours are bought for an organization: create one, or ask to join yours.'}
          </Alert>
        </div>
      ) : null}
      {bundles.isPending ? (
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <CardSkeleton />
          <CardSkeleton />
        </div>
      ) : bundles.isError ? (
        <ErrorAlert error={bundles.error} onRetry={() => bundles.refetch()} title="Could not load bundles" />
      ) : byProvider.size === 0 ? (
        <EmptyState as="h2" icon={CoinsIcon} title="No bundles yet" description="No provider offers hours right now." />
      ) : (
        [...byProvider].map(([provider, list]) => (
          <section key={provider} className="mb-10 grid gap-4" aria-label={provider}>
            <h2 className="text-lg font-semibold">{provider}</h2>
            <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
              {list.map((b) => (
                <BundleCard key={b.id} bundle={b} orgs={adminOrgs} />
              ))}
            </div>
          </section>
        ))
      )}
    </PageContainer>
  );
}
