import { type ChangeEvent, useState } from 'react';
import { Link } from 'react-router';
import { CursorResults, useCursorPages } from '../../components/cursor-results.tsx';
import {
  Badge,
  type BadgeTone,
  Button,
  Dialog,
  DialogClose,
  DialogContent,
  DialogFooter,
  EmptyState,
  Field,
  Input,
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
import { formatDate } from '../../lib/format.ts';
import { ChannelBadge } from '../orders/channel.tsx';
import { addressLines } from '../shop/order-status.tsx';
import { fulfilmentApi, type Sale, type SaleStatus, useAccountSales, useMarketplaceMutation } from './api.ts';
import { formatMoney } from './format.ts';

const saleTone: Record<SaleStatus, BadgeTone> = {
  paid: 'info',
  shipped: 'accent',
  delivered: 'success',
  partially_refunded: 'warning',
  refunded: 'danger',
  duplicate_refunded: 'danger',
};
const saleLabel: Record<SaleStatus, string> = {
  paid: 'To ship',
  shipped: 'Shipped',
  delivered: 'Delivered',
  partially_refunded: 'Partly refunded',
  refunded: 'Refunded',
  duplicate_refunded: 'Refunded (sold twice)',
};
const closed = new Set<SaleStatus>(['refunded', 'duplicate_refunded']);
const shipFields = ['carrier', 'trackingNumber', 'trackingUrl'] as const;

/** The "Ship" dialog: carrier, tracking number and an optional tracking link, which the buyer receives by email. */
function ShipDialog({ sale }: { sale: Sale }) {
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ carrier: '', trackingNumber: '', trackingUrl: '' });
  const [errors, setErrors] = useState<{
    fieldErrors: Partial<Record<(typeof shipFields)[number], string>>;
    formError: string | null;
  }>({ fieldErrors: {}, formError: null });
  const { toast } = useToast();
  const ship = useMarketplaceMutation(() =>
    fulfilmentApi.ship(sale.id, {
      carrier: form.carrier.trim(),
      trackingNumber: form.trackingNumber.trim(),
      ...(form.trackingUrl.trim() ? { trackingUrl: form.trackingUrl.trim() } : {}),
    }),
  );
  const submit = () =>
    ship.mutate(undefined, {
      onSuccess: () => {
        setOpen(false);
        toast({ title: 'Marked as shipped', description: 'The buyer was emailed the tracking details.' });
      },
      onError: (e) => setErrors(formErrorsFrom(e, shipFields)),
    });
  const set = (k: keyof typeof form) => (e: ChangeEvent<HTMLInputElement>) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));
  return (
    <Dialog open={open} onOpenChange={(next) => !ship.isPending && setOpen(next)}>
      <Button size="sm" onClick={() => setOpen(true)} aria-label={`Ship ${sale.artwork.title}`}>
        Ship
      </Button>
      <DialogContent
        title={`Ship “${sale.artwork.title}”`}
        description="The buyer gets an email with the carrier and tracking number."
      >
        {sale.shippingAddress ? (
          <address className="rounded-md border border-border p-3 text-sm not-italic">
            <span className="block font-medium">Ship to</span>
            {addressLines(sale.shippingAddress).map((l) => (
              <span key={l} className="block">
                {l}
              </span>
            ))}
          </address>
        ) : null}
        <form
          className="grid gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            setErrors({ fieldErrors: {}, formError: null });
            submit();
          }}
        >
          <Field label="Carrier" required error={errors.fieldErrors.carrier}>
            <Input value={form.carrier} onChange={set('carrier')} maxLength={100} required />
          </Field>
          <Field label="Tracking number" required error={errors.fieldErrors.trackingNumber}>
            <Input value={form.trackingNumber} onChange={set('trackingNumber')} maxLength={100} required />
          </Field>
          <Field
            label="Tracking URL"
            hint="Optional link to the carrier's tracking page"
            error={errors.fieldErrors.trackingUrl}
          >
            <Input type="url" value={form.trackingUrl} onChange={set('trackingUrl')} maxLength={500} />
          </Field>
          {errors.formError ? (
            <p role="alert" className="text-sm text-red-700">
              {errors.formError}
            </p>
          ) : null}
          <DialogFooter>
            <DialogClose asChild>
              <Button type="button" variant="secondary" disabled={ship.isPending}>
                Cancel
              </Button>
            </DialogClose>
            <Button type="submit" loading={ship.isPending}>
              Mark shipped
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

function SaleActions({ sale, original }: { sale: Sale; original: boolean }) {
  const { toast } = useToast();
  const deliver = useMarketplaceMutation(() => fulfilmentApi.deliver(sale.id));
  const isClosed = closed.has(sale.status);
  return (
    <div className="flex flex-wrap justify-end gap-2">
      {!isClosed && !sale.shippedAt ? <ShipDialog sale={sale} /> : null}
      {!isClosed && sale.shippedAt && !sale.deliveredAt ? (
        <Button
          size="sm"
          variant="secondary"
          loading={deliver.isPending}
          aria-label={`Mark ${sale.artwork.title} delivered`}
          onClick={() =>
            deliver.mutate(undefined, {
              onSuccess: () => toast({ title: 'Marked as delivered', description: 'The return window has started.' }),
              onError: (e) => toast({ title: 'Not possible', description: errorMessage(e), variant: 'error' }),
            })
          }
        >
          Mark delivered
        </Button>
      ) : null}
      {original && !isClosed ? (
        <Button size="sm" variant="ghost" asChild>
          <a href={fulfilmentApi.certificateUrl(sale.id)} target="_blank" rel="noreferrer">
            Certificate
          </a>
        </Button>
      ) : null}
    </div>
  );
}

function shippingNote(s: Sale): string | null {
  if (s.deliveredAt) {
    return s.returnWindowEndsAt
      ? `Delivered ${formatDate(s.deliveredAt)} · returns until ${formatDate(s.returnWindowEndsAt)}`
      : `Delivered ${formatDate(s.deliveredAt)}`;
  }
  if (s.shippedAt) return `${s.carrier ?? 'Shipped'} ${s.trackingNumber ?? ''}`.trim();
  return null;
}

/** Sales history with earnings and the shipping actions; `originals` marks artworks that get a certificate. */
export function ArtistSales({ accountId, originals }: { accountId: string; originals: Set<string> }) {
  const pages = useCursorPages(accountId);
  const sales = useAccountSales(accountId, pages.cursor);
  return (
    <section aria-labelledby="sales-heading" className="grid gap-3">
      <h2 id="sales-heading" className="text-lg font-semibold">
        Sales
      </h2>
      <CursorResults
        query={sales}
        pages={pages}
        loading={{ label: 'Loading sales', columns: 7 }}
        errorTitle="Could not load sales"
        empty={
          <EmptyState title="No sales yet" description="When a collector buys your work, it shows up here to ship." />
        }
        pagesLabel="Sales pages"
        className="grid gap-3"
      >
        {(rows) => (
          <Table label="Sales">
            <TableHeader>
              <TableRow>
                <TableHead>Date</TableHead>
                <TableHead>Artwork</TableHead>
                <TableHead>Buyer</TableHead>
                <TableHead>Paid</TableHead>
                <TableHead>Your earnings</TableHead>
                <TableHead>Channel</TableHead>
                <TableHead>Status</TableHead>
                <TableActionsHead />
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((s) => {
                const note = shippingNote(s);
                return (
                  <TableRow key={s.id}>
                    <TableCell className="whitespace-nowrap">{formatDate(s.createdAt)}</TableCell>
                    <TableCell>
                      <Link
                        to={`/marketplace/sales/${s.id}`}
                        className="font-medium underline-offset-2 hover:underline"
                      >
                        {s.artwork.title}
                      </Link>
                      {note ? <p className="text-xs text-muted">{note}</p> : null}
                    </TableCell>
                    <TableCell>{s.buyerName ?? s.buyerEmail}</TableCell>
                    <TableCell className="tabular-nums">{formatMoney(s.amount, s.currency)}</TableCell>
                    <TableCell className="tabular-nums">
                      {formatMoney(s.artistAmount, s.currency)}
                      {s.amountRefunded > 0 ? (
                        <p className="text-xs text-red-700">Refunded {formatMoney(s.amountRefunded, s.currency)}</p>
                      ) : null}
                    </TableCell>
                    <TableCell className="max-w-48">
                      <ChannelBadge channel={s.channel} agentPlatformName={s.agentPlatformName} />
                    </TableCell>
                    <TableCell>
                      <Badge tone={saleTone[s.status]}>{saleLabel[s.status]}</Badge>
                    </TableCell>
                    <TableCell>
                      <SaleActions sale={s} original={originals.has(s.artwork.id)} />
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        )}
      </CursorResults>
    </section>
  );
}
