/**
 * Where sellers ship unless they say otherwise. Stripe Checkout needs an explicit list of countries to collect a
 * shipping address for; this is the default one every offering shares.
 */
export const DEFAULT_SHIPPING_COUNTRIES: readonly string[] = [
  'AT',
  'AU',
  'BE',
  'CA',
  'CH',
  'DE',
  'DK',
  'ES',
  'FI',
  'FR',
  'GB',
  'IE',
  'IT',
  'JP',
  'LU',
  'NL',
  'NO',
  'NZ',
  'PL',
  'PT',
  'SE',
  'US',
];
