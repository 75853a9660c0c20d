import { MAX_SHIPPING_OPTIONS } from '../commerce/index.ts';
import type { ShippingRate } from './tables.ts';

/** Why a studio's rates can't be offered on the Stripe payment page, or null when they can (decision 030). */
export function paymentPageShippingProblem(rates: ShippingRate[]): string | null {
  if (!rates.length) return 'Add a shipping rate first';
  if (rates.length > MAX_SHIPPING_OPTIONS) return `Stripe offers at most ${MAX_SHIPPING_OPTIONS} shipping rates`;
  // Stripe shows every option to every buyer, whatever the address: each rate must ship wherever the others do.
  const key = (r: ShippingRate) => [...(r.countries ?? [])].sort().join(' ');
  if (new Set(rates.map(key)).size > 1) {
    return 'Every rate must ship to the same countries (or all worldwide), since Stripe cannot hide a rate by country';
  }
  return null;
}

/**
 * The rates buyers choose among on the Stripe payment page, or null when they choose in the cart: the switch is off,
 * or the rates can't all be offered to every buyer (a rate limited to other countries than the rest, more than five).
 */
export function paymentPageRates(settings: {
  stripeShippingChoice: boolean;
  shippingRates: ShippingRate[];
}): ShippingRate[] | null {
  if (!settings.stripeShippingChoice || paymentPageShippingProblem(settings.shippingRates)) return null;
  return settings.shippingRates;
}
