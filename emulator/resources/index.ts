import { connectModules } from '../connect/index.ts';
import type { ResourceModule } from '../core/state.ts';
import { activeRecs, balanceChanged, nowSec, retire, watchType } from '../core/state.ts';
import { checkoutTick } from '../payments/checkout.ts';
import { charges } from './charges.ts';
import { checkoutSessions } from './checkout-sessions.ts';
import { coupons } from './coupons.ts';
import { customers } from './customers.ts';
import { disputes } from './disputes.ts';
import { events } from './events.ts';
import { invoices } from './invoices.ts';
import { paymentIntents } from './payment-intents.ts';
import { paymentMethods } from './payment-methods.ts';
import { prices } from './prices.ts';
import { products } from './products.ts';
import { refunds } from './refunds.ts';
import { setupIntents } from './setup-intents.ts';
import { sharedPayment } from './shared-payment.ts';
import { shippingRates } from './shipping-rates.ts';
import { taxRates } from './tax-rates.ts';
import { webhookEndpoints } from './webhook-endpoints.ts';

/** Balance transactions become `available` once their `available_on` passes on the emulator clock. */
const balanceTransactionMaturity: ResourceModule = (_app, state) => {
  watchType(state, 'balance_transaction');
  state.hooks.tick.push((s) => {
    const now = nowSec(s);
    for (const rec of activeRecs(s, 'balance_transaction')) {
      if (rec.obj.status === 'pending' && rec.obj.available_on <= now) {
        rec.obj.status = 'available';
        balanceChanged(s, rec);
        s.onChange();
      }
      if (rec.obj.status !== 'pending') retire(s, rec);
    }
  });
};

/** Checkout expiry and simulated async settlement run on every tick. */
const checkoutTimers: ResourceModule = (_app, state) => {
  watchType(state, 'checkout.session');
  state.hooks.tick.push(checkoutTick);
};

/** Every `/v1` resource, registered in order; Connect modules come last so their tick runs after maturation. */
export const resourceModules: ResourceModule[] = [
  customers,
  products,
  prices,
  coupons,
  shippingRates,
  taxRates,
  checkoutSessions,
  invoices,
  paymentIntents,
  paymentMethods,
  setupIntents,
  charges,
  refunds,
  disputes,
  sharedPayment,
  events,
  webhookEndpoints,
  checkoutTimers,
  balanceTransactionMaturity,
  ...connectModules,
];
