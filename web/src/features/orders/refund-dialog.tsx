import { type FormEvent, type ReactElement, useId, useState } from 'react';
import {
  Alert,
  Button,
  Dialog,
  DialogClose,
  DialogContent,
  DialogFooter,
  DialogTrigger,
  Field,
  Input,
  Select,
  useToast,
} from '../../components/ui/index.ts';
import { formErrorsFrom } from '../../lib/api.ts';
import { cn } from '../../lib/cn.ts';
import { type OrderDetail, REFUND_REASONS, type RefundReason, useRefundOrder } from './api.ts';
import { formatMoney, minorToDecimalString, parseMajorAmount } from './money.ts';

const REASON_OPTIONS: Array<{ value: RefundReason; label: string }> = [
  { value: 'requested_by_customer', label: 'Requested by customer' },
  { value: 'duplicate', label: 'Duplicate payment' },
  { value: 'fraudulent', label: 'Fraudulent' },
  { value: 'other', label: 'Other' },
];

type Step = 'form' | 'confirm';

/** Props of {@link RefundAmountDialog}: what is refundable, how the reason is asked for, and what confirming does. */
export type RefundAmountDialogProps = {
  title: string;
  description: string;
  remaining: number;
  currency: string;
  buyerEmail: string;
  /** Disables the trigger button (nothing left to refund). */
  disabled?: boolean;
  initialReason: string;
  renderReason: (reason: string, setReason: (reason: string) => void) => ReactElement;
  /** Returns the reason's error message, or undefined when it is acceptable. */
  validateReason: (reason: string) => string | undefined;
  /** Shown in brackets after the buyer in the confirmation, when given. */
  describeReason?: (reason: string) => string | undefined;
  /** Issues the refund; throwing shows the API's field/form errors back on the form. */
  onConfirm: (refund: { amount: number; kind: 'full' | 'partial'; reason: string }) => Promise<void>;
};

/**
 * Full or partial refund in major units (parsed exactly), a reason, then a confirmation step.
 * Orders and marketplace sales share it so the amount rules and the two-step confirm cannot drift apart.
 */
export function RefundAmountDialog({
  title,
  description,
  remaining,
  currency,
  buyerEmail,
  disabled,
  initialReason,
  renderReason,
  validateReason,
  describeReason,
  onConfirm,
}: RefundAmountDialogProps) {
  const kindName = useId();
  const [open, setOpen] = useState(false);
  const [step, setStep] = useState<Step>('form');
  const [kind, setKind] = useState<'full' | 'partial'>('full');
  const [amountText, setAmountText] = useState('');
  const [reason, setReason] = useState(initialReason);
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<{ amount?: string; reason?: string; form?: string }>({});

  const reset = () => {
    setStep('form');
    setKind('full');
    setAmountText('');
    setReason(initialReason);
    setErrors({});
  };

  const amountMinor = (): number | null => {
    if (kind === 'full') return remaining;
    const parsed = parseMajorAmount(amountText, currency);
    return parsed.ok ? parsed.minor : null;
  };

  const review = (event: FormEvent) => {
    event.preventDefault();
    const next: typeof errors = {};
    if (kind === 'partial') {
      const parsed = parseMajorAmount(amountText, currency);
      if (!parsed.ok) next.amount = parsed.error;
      else if (parsed.minor > remaining) next.amount = `You can refund at most ${formatMoney(remaining, currency)}.`;
    }
    const reasonError = validateReason(reason);
    if (reasonError) next.reason = reasonError;
    setErrors(next);
    if (Object.keys(next).length === 0) setStep('confirm');
  };

  const submit = async () => {
    const amount = amountMinor();
    if (amount === null) return;
    setPending(true);
    try {
      await onConfirm({ amount, kind, reason });
      setOpen(false);
      reset();
    } catch (error) {
      const parsed = formErrorsFrom(error, ['amount', 'reason'] as const);
      setErrors({ ...parsed.fieldErrors, form: parsed.formError ?? undefined });
      setStep('form');
    } finally {
      setPending(false);
    }
  };

  const amount = amountMinor();
  const reasonNote = describeReason?.(reason);

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (pending) return;
        setOpen(next);
        if (!next) reset();
      }}
    >
      <DialogTrigger asChild>
        <Button variant="secondary" disabled={disabled}>
          Refund
        </Button>
      </DialogTrigger>
      <DialogContent title={title} description={description}>
        {step === 'form' ? (
          <form onSubmit={review} noValidate className="grid gap-4">
            {errors.form ? <Alert variant="error">{errors.form}</Alert> : null}
            <fieldset className="grid gap-2">
              <legend className="mb-1 text-sm font-medium text-foreground">Amount</legend>
              {(['full', 'partial'] as const).map((k) => (
                <label
                  key={k}
                  className={cn(
                    'flex cursor-pointer items-center gap-2.5 rounded-control border px-3 py-2 text-sm',
                    kind === k ? 'border-accent-600 bg-accent-50' : 'border-border',
                  )}
                >
                  <input
                    type="radio"
                    name={kindName}
                    value={k}
                    checked={kind === k}
                    onChange={() => {
                      setKind(k);
                      setErrors((e) => ({ ...e, amount: undefined }));
                    }}
                  />
                  {k === 'full' ? `Full refund (${formatMoney(remaining, currency)})` : 'Partial refund'}
                </label>
              ))}
            </fieldset>
            {kind === 'partial' ? (
              <Field
                label={`Amount to refund (${currency.toUpperCase()})`}
                error={errors.amount}
                hint={`For example ${minorToDecimalString(Math.min(remaining, 1000), currency)}`}
                required
              >
                <Input
                  name="amount"
                  inputMode="decimal"
                  autoComplete="off"
                  value={amountText}
                  onChange={(e) => {
                    setAmountText(e.target.value);
                    setErrors((prev) => ({ ...prev, amount: undefined }));
                  }}
                />
              </Field>
            ) : errors.amount ? (
              <p className="text-sm font-medium text-danger">{errors.amount}</p>
            ) : null}
            <Field label="Reason" error={errors.reason} required>
              {renderReason(reason, setReason)}
            </Field>
            <DialogFooter>
              <DialogClose asChild>
                <Button variant="secondary" type="button">
                  Cancel
                </Button>
              </DialogClose>
              <Button type="submit">Review refund</Button>
            </DialogFooter>
          </form>
        ) : (
          <div className="grid gap-4">
            <Alert variant="warning" title="Refunds cannot be undone">
              Refund <strong>{amount === null ? '—' : formatMoney(amount, currency)}</strong> to {buyerEmail}
              {reasonNote ? ` (${reasonNote})` : null}?
            </Alert>
            <DialogFooter>
              <Button variant="secondary" type="button" onClick={() => setStep('form')} disabled={pending}>
                Back
              </Button>
              <Button variant="destructive" type="button" loading={pending} onClick={submit}>
                Confirm refund
              </Button>
            </DialogFooter>
          </div>
        )}
      </DialogContent>
    </Dialog>
  );
}

/** Full or partial refund of a paid order: amount in major units (parsed exactly), reason, then a confirmation. */
export function RefundDialog({ order }: { order: OrderDetail }) {
  const remaining = order.total - order.amountRefunded;
  const refund = useRefundOrder(order.id);
  const { toast } = useToast();
  return (
    <RefundAmountDialog
      title="Refund order"
      description={`Up to ${formatMoney(remaining, order.currency)} can be refunded to ${order.buyerEmail}.`}
      remaining={remaining}
      currency={order.currency}
      buyerEmail={order.buyerEmail}
      disabled={remaining <= 0}
      initialReason="requested_by_customer"
      renderReason={(reason, setReason) => (
        <Select name="reason" value={reason} onValueChange={setReason} options={REASON_OPTIONS} />
      )}
      validateReason={(reason) =>
        !reason || !(REFUND_REASONS as readonly string[]).includes(reason) ? 'Choose a reason.' : undefined
      }
      describeReason={(reason) => REASON_OPTIONS.find((r) => r.value === reason)?.label.toLowerCase()}
      onConfirm={async ({ amount, reason }) => {
        const res = await refund.mutateAsync({ amount, reason: reason as RefundReason });
        toast({
          title: 'Refund issued',
          description: `${formatMoney(res.refund.amount, order.currency)} is on its way back to ${order.buyerEmail}.`,
          variant: 'success',
        });
      }}
    />
  );
}
