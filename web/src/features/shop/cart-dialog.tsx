import { type FormEvent, useState } from 'react';
import { Alert, Button, Dialog, DialogContent, Field, Input, PageSpinner, Select } from '../../components/ui/index.ts';
import { errorMessage } from '../../lib/api.ts';
import { formatMoney as money } from '../orders/money.ts';
import { cartApi, useCart, useCartMutation } from './api.ts';
import { accentStyle } from './branding.ts';

/** The visitor's cart: server-priced lines and totals, quantities, coupon, shipping and checkout. */
export function CartDialog({
  token,
  open,
  onOpenChange,
  accentColor = null,
}: {
  token: string;
  open: boolean;
  onOpenChange: (o: boolean) => void;
  /** The studio's accent colour for the checkout button. */
  accentColor?: string | null;
}) {
  const cart = useCart(token, open);
  const qty = useCartMutation(token, (v: { id: string; quantity: number }) =>
    cartApi.setQuantity(token, v.id, v.quantity),
  );
  const remove = useCartMutation(token, (id: string) => cartApi.remove(token, id));
  const coupon = useCartMutation(token, (code: string) => cartApi.coupon(token, code));
  const shipping = useCartMutation(token, (id: string) => cartApi.shipping(token, id));
  const [code, setCode] = useState('');
  const [email, setEmail] = useState('');
  const [checkoutError, setCheckoutError] = useState<string | null>(null);
  const [checkingOut, setCheckingOut] = useState(false);
  const checkout = async (e: FormEvent) => {
    e.preventDefault();
    setCheckingOut(true);
    setCheckoutError(null);
    try {
      const r = await cartApi.checkout(token, email);
      window.location.assign(r.checkoutUrl);
    } catch (err) {
      setCheckoutError(errorMessage(err));
      setCheckingOut(false);
    }
  };
  const c = cart.data;
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent title="Your cart" className="max-w-xl">
        {cart.isPending ? (
          <PageSpinner label="Loading cart" />
        ) : cart.error || !c ? (
          <Alert variant="error">{errorMessage(cart.error)}</Alert>
        ) : c.items.length === 0 ? (
          <p className="text-sm text-muted-foreground">Your cart is empty. Open a photo and choose “Buy prints”.</p>
        ) : (
          <div className="flex flex-col gap-4">
            <ul className="flex flex-col gap-3">
              {c.items.map((i) => (
                <li key={i.id} className="flex items-center gap-3">
                  {/* The server sends each line's thumbnail, so photos not yet paged into the grid still show. */}
                  <img src={i.thumbUrl} alt="" className="size-14 rounded object-cover" />
                  <div className="min-w-0 flex-1">
                    <p className="truncate text-sm font-medium">{i.description}</p>
                    <p className="text-sm text-muted-foreground">
                      {i.available ? `${money(i.unitPrice, c.currency)} each` : 'No longer available'}
                    </p>
                  </div>
                  <Input
                    type="number"
                    min={1}
                    max={100}
                    aria-label="Quantity"
                    className="w-16"
                    value={i.quantity}
                    onChange={(e) => {
                      const q = Number(e.target.value);
                      if (q >= 1 && q <= 100) qty.mutate({ id: i.id, quantity: q });
                    }}
                  />
                  <Button size="sm" variant="destructive-ghost" onClick={() => remove.mutate(i.id)}>
                    Remove
                  </Button>
                </li>
              ))}
            </ul>
            {c.shippingRates.length > 0 ? (
              <Field label="Shipping">
                <Select
                  value={c.shippingRateId ?? ''}
                  onValueChange={(v) => shipping.mutate(v)}
                  options={c.shippingRates.map((r) => ({
                    value: r.id,
                    label: `${r.name} — ${money(r.amount, c.currency)}`,
                  }))}
                />
              </Field>
            ) : null}
            <form
              className="flex items-end gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                if (code.trim()) coupon.mutate(code.trim());
              }}
            >
              <Field label="Coupon" className="flex-1" error={coupon.error ? errorMessage(coupon.error) : null}>
                <Input value={code} onChange={(e) => setCode(e.target.value)} placeholder={c.couponCode ?? ''} />
              </Field>
              <Button type="submit" variant="secondary" loading={coupon.isPending}>
                Apply
              </Button>
            </form>
            <dl className="grid grid-cols-2 gap-1 text-sm">
              <dt>Subtotal</dt>
              <dd className="text-right">{money(c.totals.subtotal, c.currency)}</dd>
              {c.totals.discount ? (
                <>
                  <dt>Discount {c.couponCode}</dt>
                  <dd className="text-right">−{money(c.totals.discount, c.currency)}</dd>
                </>
              ) : null}
              <dt>Shipping</dt>
              <dd className="text-right">{money(c.totals.shipping, c.currency)}</dd>
              <dt className="text-muted-foreground">Tax</dt>
              <dd className="text-right text-muted-foreground">{money(c.totals.tax, c.currency)}</dd>
              <dt className="font-semibold">Total</dt>
              <dd className="text-right font-semibold">{money(c.totals.total, c.currency)}</dd>
            </dl>
            <form onSubmit={checkout} className="flex flex-col gap-2">
              <Field label="Email for your receipt">
                <Input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
              </Field>
              {checkoutError ? <Alert variant="error">{checkoutError}</Alert> : null}
              <Button type="submit" loading={checkingOut} style={accentStyle(accentColor)}>
                Checkout
              </Button>
            </form>
          </div>
        )}
      </DialogContent>
    </Dialog>
  );
}
