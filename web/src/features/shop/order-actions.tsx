import { type FormEvent, type ReactNode, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  CardContent,
  CardHeader,
  CardTitle,
  Dialog,
  DialogContent,
  DialogFooter,
  Field,
  Input,
  Textarea,
  useToast,
} from '../../components/ui/index.ts';
import { errorMessage } from '../../lib/api.ts';
import { disputeBlocksRefund } from '../orders/dispute.tsx';
import { formatMoney, parseMajorAmount } from '../orders/money.ts';
import { fulfilmentLabels } from './order-status.tsx';
import { type OrderAction, type PrintOrder, useOrderAction } from './orders-api.ts';

/** The studio's fulfilment buttons and their dialogs: ship (with tracking), cancel (refunds in full), refund. */
export function Actions({ accountId, order }: { accountId: string; order: PrintOrder }) {
  const action = useOrderAction(accountId, order.id);
  const toast = useToast();
  const [dialog, setDialog] = useState<'ship' | 'cancel' | 'refund' | null>(null);
  const next = order.fulfilment.nextMoves;
  const run = (a: OrderAction, done: string) =>
    action.mutate(a, {
      onSuccess: () => {
        setDialog(null);
        toast.toast({ title: done, variant: 'success' });
      },
    });
  // A dispute Stripe is deciding (or has lost) blocks refunds, and so cancelling, which refunds in full.
  const blocked = disputeBlocksRefund(order.dispute);
  const refundable =
    !blocked &&
    ['paid', 'fulfilled', 'partially_refunded'].includes(order.moneyStatus) &&
    order.total > order.amountRefunded;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Fulfilment</CardTitle>
      </CardHeader>
      <CardContent className="flex flex-col gap-2">
        {next.includes('in_production') ? (
          <Button loading={action.isPending} onClick={() => run({ kind: 'in-production' }, 'Marked in production')}>
            Mark in production
          </Button>
        ) : null}
        {next.includes('shipped') ? <Button onClick={() => setDialog('ship')}>Mark shipped</Button> : null}
        {next.includes('delivered') ? (
          <Button loading={action.isPending} onClick={() => run({ kind: 'deliver' }, 'Marked delivered')}>
            Mark delivered
          </Button>
        ) : null}
        {refundable ? (
          <Button variant="secondary" onClick={() => setDialog('refund')}>
            Refund
          </Button>
        ) : null}
        {next.includes('cancelled') && !blocked ? (
          <Button variant="destructive-ghost" onClick={() => setDialog('cancel')}>
            Cancel order
          </Button>
        ) : null}
        {next.length === 0 ? (
          <p className="text-sm text-muted">This order is {fulfilmentLabels[order.fulfilment.status].toLowerCase()}.</p>
        ) : null}
        {action.error && !dialog ? <Alert variant="error">{errorMessage(action.error)}</Alert> : null}
      </CardContent>
      <Dialog
        open={dialog !== null}
        onOpenChange={(o) => {
          if (!o && !action.isPending) {
            setDialog(null);
            action.reset();
          }
        }}
      >
        {dialog === 'ship' ? (
          <ShipForm pending={action.isPending} error={action.error} onSubmit={(a) => run(a, 'Marked shipped')} />
        ) : dialog === 'cancel' ? (
          <CancelForm
            order={order}
            pending={action.isPending}
            error={action.error}
            onSubmit={(a) => run(a, 'Order cancelled')}
          />
        ) : dialog === 'refund' ? (
          <RefundForm
            order={order}
            pending={action.isPending}
            error={action.error}
            onSubmit={(a) => run(a, 'Refund sent')}
          />
        ) : null}
      </Dialog>
    </Card>
  );
}

type FormProps = { pending: boolean; error: unknown; onSubmit: (a: OrderAction) => void };

function fieldError(error: unknown, key: string): string | null {
  const fe = (error as { details?: { fieldErrors?: Record<string, string[]> } } | null)?.details?.fieldErrors;
  return fe?.[key]?.[0] ?? null;
}

function FormError({ error, keys }: { error: unknown; keys: string[] }): ReactNode {
  if (!error || keys.some((k) => fieldError(error, k))) return null;
  return <Alert variant="error">{errorMessage(error)}</Alert>;
}

function ShipForm({ pending, error, onSubmit }: FormProps) {
  const [carrier, setCarrier] = useState('');
  const [trackingNumber, setTracking] = useState('');
  const [trackingUrl, setUrl] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit({ kind: 'ship', carrier, trackingNumber, trackingUrl: trackingUrl.trim() || null });
  };
  return (
    <DialogContent title="Mark shipped" description="The client is emailed the carrier and tracking number.">
      <form onSubmit={submit} className="flex flex-col gap-3">
        <Field label="Carrier" required error={fieldError(error, 'carrier')}>
          <Input value={carrier} onChange={(e) => setCarrier(e.target.value)} required maxLength={100} />
        </Field>
        <Field label="Tracking number" required error={fieldError(error, 'trackingNumber')}>
          <Input value={trackingNumber} onChange={(e) => setTracking(e.target.value)} required maxLength={100} />
        </Field>
        <Field label="Tracking URL" hint="Optional" error={fieldError(error, 'trackingUrl')}>
          <Input type="url" value={trackingUrl} onChange={(e) => setUrl(e.target.value)} maxLength={500} />
        </Field>
        <FormError error={error} keys={['carrier', 'trackingNumber', 'trackingUrl']} />
        <DialogFooter>
          <Button type="submit" loading={pending}>
            Mark shipped
          </Button>
        </DialogFooter>
      </form>
    </DialogContent>
  );
}

function CancelForm({ order, pending, error, onSubmit }: FormProps & { order: PrintOrder }) {
  const [reason, setReason] = useState('');
  const refund = order.total - order.amountRefunded;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit({ kind: 'cancel', reason: reason.trim() || null });
  };
  return (
    <DialogContent
      title="Cancel order"
      description={
        refund > 0
          ? `The client is refunded ${formatMoney(refund, order.currency)} in full.`
          : 'Nothing is left to refund.'
      }
    >
      <form onSubmit={submit} className="flex flex-col gap-3">
        <Field label="Reason" hint="Optional, kept in the timeline" error={fieldError(error, 'reason')}>
          <Textarea value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} rows={3} />
        </Field>
        <FormError error={error} keys={['reason']} />
        <DialogFooter>
          <Button type="submit" variant="destructive" loading={pending}>
            Cancel and refund
          </Button>
        </DialogFooter>
      </form>
    </DialogContent>
  );
}

function RefundForm({ order, pending, error, onSubmit }: FormProps & { order: PrintOrder }) {
  const remaining = order.total - order.amountRefunded;
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [local, setLocal] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseMajorAmount(amount, order.currency);
    if (!parsed.ok) return setLocal(parsed.error);
    if (parsed.minor > remaining) return setLocal(`At most ${formatMoney(remaining, order.currency)}.`);
    setLocal(null);
    onSubmit({ kind: 'refunds', amount: parsed.minor, ...(reason.trim() ? { reason: reason.trim() } : {}) });
  };
  return (
    <DialogContent title="Refund" description={`Up to ${formatMoney(remaining, order.currency)} can be refunded.`}>
      <form onSubmit={submit} className="flex flex-col gap-3">
        <Field label="Amount" required error={local ?? fieldError(error, 'amount')}>
          <Input inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} required />
        </Field>
        <Field label="Reason" hint="Optional">
          <Input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
        </Field>
        <FormError error={error} keys={['amount']} />
        <DialogFooter>
          <Button type="submit" loading={pending}>
            Refund
          </Button>
        </DialogFooter>
      </form>
    </DialogContent>
  );
}
