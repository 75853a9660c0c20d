import { type ReactNode, useState } from 'react';
import {
  Button,
  Dialog,
  DialogClose,
  DialogContent,
  DialogFooter,
  DialogTrigger,
  Field,
  Textarea,
} from '../../components/ui/index.ts';
import { formErrorsFrom } from '../../lib/api.ts';

/** Confirmation dialog that asks for a reason (required for suspensions); the reason is stored in the audit log. */
export function ReasonDialog({
  trigger,
  title,
  description,
  confirmLabel,
  reasonRequired,
  destructive,
  onConfirm,
}: {
  trigger: ReactNode;
  title: ReactNode;
  description?: ReactNode;
  confirmLabel: string;
  reasonRequired?: boolean;
  destructive?: boolean;
  onConfirm: (reason: string) => Promise<unknown>;
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const submit = async () => {
    if (reasonRequired && !reason.trim()) {
      setError('Give a reason');
      return;
    }
    setPending(true);
    setError(null);
    try {
      await onConfirm(reason.trim());
      setOpen(false);
      setReason('');
    } catch (e) {
      const { fieldErrors, formError } = formErrorsFrom(e, ['reason'] as const);
      setError(fieldErrors.reason ?? formError);
    } finally {
      setPending(false);
    }
  };

  return (
    <Dialog open={open} onOpenChange={(next) => !pending && setOpen(next)}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent title={title} description={description} role="alertdialog">
        <form
          className="grid gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <Field label={reasonRequired ? 'Reason' : 'Reason (optional)'} required={reasonRequired} error={error}>
            <Textarea rows={3} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
          <DialogFooter>
            <DialogClose asChild>
              <Button type="button" variant="secondary" disabled={pending}>
                Cancel
              </Button>
            </DialogClose>
            <Button type="submit" variant={destructive ? 'destructive' : 'primary'} loading={pending}>
              {confirmLabel}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
