import { type FormEvent, useState } from 'react';
import { Alert, Button, Dialog, DialogContent, Field, Input, PageSpinner, Select } from '../../components/ui/index.ts';
import { errorMessage } from '../../lib/api.ts';
import { OrderTotals } from '../orders/amount.tsx';
import { formatMoney as money } from '../orders/money.ts';
import { type CartItem, cartApi, useCart, useCartMutation } from './api.ts';
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
      {/* A flex column so the lines scroll while the totals and checkout stay in view on a phone. */}
      <DialogContent title="Your cart" className="flex max-w-xl flex-col gap-4 overflow-hidden">
        {cart.isPending ? (
          <PageSpinner label="Loading cart" />
        ) : cart.error || !c ? (
          <Alert variant="error">{errorMessage(cart.error)}</Alert>
        ) : c.items.length === 0 ? (
          <p className="text-sm text-muted">Your cart is empty. Open a photo and choose “Buy prints”.</p>
        ) : (
          <>
            <div className="-mx-5 flex min-h-0 flex-1 flex-col gap-4 overflow-y-auto px-5 sm:-mx-6 sm:px-6">
              <ul className="flex flex-col divide-y divide-border" aria-label="Cart items">
                {c.items.map((i) => (
                  <CartLine
                    key={i.id}
                    item={i}
                    currency={c.currency}
                    onQuantity={(quantity) => qty.mutate({ id: i.id, quantity })}
                    onRemove={() => remove.mutate(i.id)}
                  />
                ))}
              </ul>
              {c.shippingOnPaymentPage ? (
                <p className="text-sm text-muted" data-testid="shipping-at-payment">
                  You choose shipping on the payment page:{' '}
                  {c.shippingRates.map((r) => `${r.name} ${money(r.amount, c.currency)}`).join(', ')}.
                </p>
              ) : c.shippingRates.length > 0 ? (
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
                className="flex items-start gap-2"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (code.trim()) coupon.mutate(code.trim());
                }}
              >
                <Field
                  label="Coupon"
                  className="min-w-0 flex-1"
                  error={coupon.error ? errorMessage(coupon.error) : null}
                >
                  <Input value={code} onChange={(e) => setCode(e.target.value)} placeholder={c.couponCode ?? ''} />
                </Field>
                {/* Level with the input, below the label, even when an error shows under the field. */}
                <Button type="submit" variant="secondary" className="mt-[1.625rem] shrink-0" loading={coupon.isPending}>
                  Apply
                </Button>
              </form>
              {c.promotionCodesEnabled ? (
                <p className="text-sm text-muted" data-testid="promotion-code-note">
                  {c.promotionCodesOnPaymentPage
                    ? 'Have a promotion code? Enter it on the payment page. It replaces a coupon here; the two don’t combine.'
                    : 'Promotion codes can’t be combined with a coupon, so the payment page won’t ask for one.'}
                </p>
              ) : null}
            </div>
            <div className="flex flex-col gap-3 border-t border-border pt-4">
              <OrderTotals
                totals={{ ...c.totals, currency: c.currency }}
                discountLabel={`Discount ${c.couponCode ?? ''}`.trim()}
                shippingAtPayment={c.shippingOnPaymentPage}
                totalLabel={c.shippingOnPaymentPage ? 'Total before shipping' : undefined}
              />
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
          </>
        )}
      </DialogContent>
    </Dialog>
  );
}

/** One cart line: photo, product, options and unit price, then quantity, line total and Remove on their own row. */
function CartLine({
  item: i,
  currency,
  onQuantity,
  onRemove,
}: {
  item: CartItem;
  currency: string;
  onQuantity: (quantity: number) => void;
  onRemove: () => void;
}) {
  // The server describes a line as "Product · option · option".
  const [name, ...options] = i.description.split(' · ');
  return (
    <li className="grid grid-cols-[3.5rem_minmax(0,1fr)] gap-x-3 gap-y-2 py-3 first:pt-0" data-testid="cart-line">
      {/* The server sends each line's thumbnail, so photos not yet paged into the grid still show. */}
      <img src={i.thumbUrl} alt="" className="size-14 rounded object-cover" />
      <div className="min-w-0 text-sm">
        <p className="font-medium break-words">{name}</p>
        {options.length ? <p className="break-words text-muted">{options.join(' · ')}</p> : null}
        <p className="truncate text-xs text-muted">
          {i.filename}
          {i.available ? ` · ${money(i.unitPrice, currency)} each` : ' · No longer available'}
        </p>
      </div>
      <div className="col-start-2 flex items-center gap-2">
        <Input
          type="number"
          min={1}
          max={100}
          aria-label={`Quantity of ${name}`}
          className="h-9 w-16"
          value={i.quantity}
          onChange={(e) => {
            const q = Number(e.target.value);
            if (q >= 1 && q <= 100) onQuantity(q);
          }}
        />
        <span className="flex-1 text-right text-sm font-medium tabular-nums">{money(i.lineTotal, currency)}</span>
        <Button size="sm" variant="destructive-ghost" onClick={onRemove} aria-label={`Remove ${name}`}>
          Remove
        </Button>
      </div>
    </li>
  );
}
