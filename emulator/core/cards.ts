import { ZERO_DECIMAL } from './currencies.ts';

export { ZERO_DECIMAL };

/** What a test card does when charged. */
export interface TestCard {
  number: string;
  brand: string;
  funding: 'credit' | 'debit' | 'prepaid';
  country: string;
  /** Decline: Stripe error code, decline code and message. */
  decline?: { code: string; decline_code: string; message: string };
  /** Requires a 3-D Secure approve/deny step. */
  threeDS?: boolean;
  /** Off-session payments with a 3DS card: succeed once set up, always succeed, or (default) fail. */
  offSession?: 'after_setup' | 'succeeds';
  /** A successful payment is followed by this dispute (or an early fraud warning). */
  dispute?: 'fraudulent' | 'product_not_received' | 'inquiry' | 'early_fraud_warning';
}

const DECLINED = { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' };

const CARDS: TestCard[] = [
  { number: '4242424242424242', brand: 'visa', funding: 'credit', country: 'US' },
  { number: '4000056655665556', brand: 'visa', funding: 'debit', country: 'US' },
  { number: '5555555555554444', brand: 'mastercard', funding: 'credit', country: 'US' },
  { number: '2223003122003222', brand: 'mastercard', funding: 'credit', country: 'US' },
  { number: '5200828282828210', brand: 'mastercard', funding: 'debit', country: 'US' },
  { number: '378282246310005', brand: 'amex', funding: 'credit', country: 'US' },
  { number: '6011111111111117', brand: 'discover', funding: 'credit', country: 'US' },
  { number: '3566002020360505', brand: 'jcb', funding: 'credit', country: 'JP' },
  { number: '4000000760000002', brand: 'visa', funding: 'credit', country: 'BR' },
  { number: '4000002760000016', brand: 'visa', funding: 'credit', country: 'DE' },
  { number: '4000008260000000', brand: 'visa', funding: 'credit', country: 'GB' },
  // Bypasses the pending balance (funds available immediately), used to fund transfers in tests.
  { number: '4000000000000077', brand: 'visa', funding: 'credit', country: 'US' },
  { number: '4000000000000002', brand: 'visa', funding: 'credit', country: 'US', decline: DECLINED },
  {
    number: '4000000000009995',
    brand: 'visa',
    funding: 'credit',
    country: 'US',
    decline: {
      code: 'card_declined',
      decline_code: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    },
  },
  {
    number: '4000000000009987',
    brand: 'visa',
    funding: 'credit',
    country: 'US',
    decline: { code: 'card_declined', decline_code: 'lost_card', message: 'Your card was declined.' },
  },
  {
    number: '4000000000009979',
    brand: 'visa',
    funding: 'credit',
    country: 'US',
    decline: { code: 'card_declined', decline_code: 'stolen_card', message: 'Your card was declined.' },
  },
  {
    number: '4000000000000069',
    brand: 'visa',
    funding: 'credit',
    country: 'US',
    decline: { code: 'expired_card', decline_code: 'expired_card', message: 'Your card has expired.' },
  },
  {
    number: '4000000000000127',
    brand: 'visa',
    funding: 'credit',
    country: 'US',
    decline: {
      code: 'incorrect_cvc',
      decline_code: 'incorrect_cvc',
      message: "Your card's security code is incorrect.",
    },
  },
  {
    number: '4000000000000119',
    brand: 'visa',
    funding: 'credit',
    country: 'US',
    decline: {
      code: 'processing_error',
      decline_code: 'processing_error',
      message: 'An error occurred while processing your card. Try again in a little bit.',
    },
  },
  // Authenticates on-session; off-session works only after a SetupIntent (or setup_future_usage) set it up.
  {
    number: '4000002500003155',
    brand: 'visa',
    funding: 'credit',
    country: 'US',
    threeDS: true,
    offSession: 'after_setup',
  },
  { number: '4000000000003220', brand: 'visa', funding: 'credit', country: 'US', threeDS: true },
  // Always authenticates: off-session payments fail with authentication_required even after setup.
  { number: '4000002760003184', brand: 'visa', funding: 'credit', country: 'DE', threeDS: true },
  // Already set up for off-session use: only on-session payments authenticate.
  {
    number: '4000003800000446',
    brand: 'visa',
    funding: 'credit',
    country: 'US',
    threeDS: true,
    offSession: 'succeeds',
  },
  // Authenticates like 3155, then every payment is declined for insufficient funds.
  {
    number: '4000008260003178',
    brand: 'visa',
    funding: 'credit',
    country: 'GB',
    threeDS: true,
    offSession: 'after_setup',
    decline: {
      code: 'card_declined',
      decline_code: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    },
  },
  { number: '4000000000000259', brand: 'visa', funding: 'credit', country: 'US', dispute: 'fraudulent' },
  { number: '4000000000002685', brand: 'visa', funding: 'credit', country: 'US', dispute: 'product_not_received' },
  { number: '4000000000001976', brand: 'visa', funding: 'credit', country: 'US', dispute: 'inquiry' },
  { number: '4000000000005423', brand: 'visa', funding: 'credit', country: 'US', dispute: 'early_fraud_warning' },
];

/** `pm_card_*` test PaymentMethod tokens mapped to their card numbers. */
export const PAYMENT_METHOD_TOKENS: Record<string, string> = {
  pm_card_visa: '4242424242424242',
  pm_card_visa_debit: '4000056655665556',
  pm_card_mastercard: '5555555555554444',
  pm_card_amex: '378282246310005',
  pm_card_discover: '6011111111111117',
  pm_card_jcb: '3566002020360505',
  pm_card_chargeDeclined: '4000000000000002',
  pm_card_chargeDeclinedInsufficientFunds: '4000000000009995',
  pm_card_chargeDeclinedLostCard: '4000000000009987',
  pm_card_chargeDeclinedStolenCard: '4000000000009979',
  pm_card_chargeDeclinedExpiredCard: '4000000000000069',
  pm_card_chargeDeclinedIncorrectCvc: '4000000000000127',
  pm_card_chargeDeclinedProcessingError: '4000000000000119',
  // Stripe's names: "RequiredOnSetup" is the 3155 card, plain "Required" the always-authenticate 3184 card.
  pm_card_authenticationRequired: '4000002760003184',
  pm_card_authenticationRequiredOnSetup: '4000002500003155',
  pm_card_authenticationRequiredSetupForOffSession: '4000003800000446',
  pm_card_authenticationRequiredChargeDeclinedInsufficientFunds: '4000008260003178',
  pm_card_createDispute: '4000000000000259',
  pm_card_createDisputeProductNotReceived: '4000000000002685',
  pm_card_createDisputeInquiry: '4000000000001976',
  pm_card_createIssuerFraudRecord: '4000000000005423',
  pm_card_threeDSecure2Required: '4000000000003220',
  pm_card_threeDSecureRequired: '4000000000003220',
  pm_card_bypassPending: '4000000000000077',
};

/** Luhn checksum, so typos are rejected the way Stripe.js would. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length >= 12 && sum % 10 === 0;
}

/** Resolves a card number; unknown but valid numbers are declined as live cards, like Stripe test mode. */
export function lookupCard(raw: string): TestCard | { invalid: { code: string; message: string } } {
  const number = raw.replace(/[\s-]/g, '');
  if (!/^\d+$/.test(number) || !luhnValid(number)) {
    return { invalid: { code: 'incorrect_number', message: 'Your card number is incorrect.' } };
  }
  const known = CARDS.find((c) => c.number === number);
  if (known) return known;
  return {
    number,
    brand: number.startsWith('4') ? 'visa' : number.startsWith('5') ? 'mastercard' : 'unknown',
    funding: 'credit',
    country: 'US',
    decline: {
      code: 'card_declined',
      decline_code: 'test_mode_live_card',
      message: 'Your card was declined. Your request was in test mode, but used a non test (live) card.',
    },
  };
}

/** Stripe's fee on a charge: 2.9% + 30 minor units (2-decimal currencies), 3.6% for zero-decimal ones. */
export function stripeFee(amount: number, currency: string): number {
  if (ZERO_DECIMAL.has(currency)) return Math.round(amount * 0.036);
  return Math.round(amount * 0.029) + 30;
}
