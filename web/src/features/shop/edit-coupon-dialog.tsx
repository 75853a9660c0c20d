import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import {
  Alert,
  Button,
  Dialog,
  DialogContent,
  DialogFooter,
  Field,
  Input,
  useToast,
} from '../../components/ui/index.ts';
import { api } from '../../lib/api.ts';
import { type Coupon, serverErrors } from './api.ts';
import { type CouponEdit, type CouponEditErrors, dayOf, parseCouponEdit } from './coupon-edit.ts';

/** PATCHes a coupon's end date and redemption limit, then refreshes the studio's coupon list. */
function useEditCoupon(accountId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...patch }: CouponEdit & { id: string }) =>
      api.patch<Coupon>(`/api/shop/studios/${accountId}/coupons/${id}`, patch),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['shop', 'coupons', accountId] }),
  });
}

/** Dialog that changes when a coupon ends and how often it may be used. */
export function EditCouponDialog({
  accountId,
  coupon,
  onClose,
}: {
  accountId: string;
  coupon: Coupon;
  onClose: () => void;
}) {
  const edit = useEditCoupon(accountId);
  const toast = useToast();
  const [ends, setEnds] = useState(dayOf(coupon.endsAt));
  const [maxUses, setMaxUses] = useState(coupon.maxRedemptions ? String(coupon.maxRedemptions) : '');
  const [invalid, setInvalid] = useState<CouponEditErrors>({});
  const server = serverErrors(edit.error, ['endsAt', 'maxRedemptions']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseCouponEdit({ ends, maxUses }, coupon.startsAt);
    setInvalid(parsed.ok ? {} : parsed.errors);
    if (!parsed.ok) return edit.reset();
    edit.mutate(
      { id: coupon.id, ...parsed.patch },
      {
        onSuccess: (c) => {
          toast.toast({ title: `Coupon ${c.code} updated`, variant: 'success' });
          onClose();
        },
      },
    );
  };
  return (
    <Dialog open onOpenChange={(open) => !open && !edit.isPending && onClose()}>
      <DialogContent
        title={`Edit ${coupon.code}`}
        description="Change when the code stops working and how often it may be used."
      >
        <form onSubmit={submit} className="flex flex-col gap-3" noValidate>
          <Field
            label="Ends on"
            hint="Leave empty to keep the code running"
            error={invalid.endsAt ?? server.fieldErrors.endsAt}
          >
            <Input type="date" value={ends} onChange={(e) => setEnds(e.target.value)} />
          </Field>
          <Field
            label="Maximum uses"
            hint={`Leave empty for no limit; used ${coupon.redemptions} times so far`}
            error={invalid.maxRedemptions ?? server.fieldErrors.maxRedemptions}
          >
            <Input inputMode="numeric" value={maxUses} onChange={(e) => setMaxUses(e.target.value)} />
          </Field>
          {server.formError ? <Alert variant="error">{server.formError}</Alert> : null}
          <DialogFooter>
            <Button type="button" variant="secondary" onClick={onClose} disabled={edit.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={edit.isPending}>
              Save coupon
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
