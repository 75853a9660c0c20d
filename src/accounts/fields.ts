/**
 * The account field rules, in plain zod so the browser bundle can import them: the web app validates its forms with
 * these very schemas (web/src/lib/form.ts), and schema.ts builds the API's request bodies from them. Keep this
 * module free of server-only imports (no node:*, no @hono/zod-openapi, no database code).
 *
 * The messages are shown as-is next to form fields and in the API's 400 `fieldErrors`, so they are written for people.
 * OpenAPI examples are set with zod's own `.meta()`, which the OpenAPI generator reads.
 */
import { z } from 'zod';

export const EMAIL_MAX = 254;
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;
export const NAME_MAX = 100;
export const SLUG_MIN = 2;
export const SLUG_MAX = 60;

const INVALID_EMAIL = 'Enter a valid email address, like name@example.com.';

export const Email = z
  .string()
  .trim()
  .min(1, 'Enter your email address.')
  .max(EMAIL_MAX, INVALID_EMAIL)
  .pipe(z.email(INVALID_EMAIL))
  .transform((e) => e.toLowerCase())
  .meta({ example: 'jane@example.com' });

/** A new password (sign-up, reset). */
export const Password = z
  .string()
  .min(1, 'Enter a password.')
  .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters.`)
  .max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters.`)
  .meta({ example: 'correct horse battery' });

/** The password typed to sign in: no length rule, older passwords may predate it and the server decides. */
export const SignInPassword = z
  .string()
  .min(1, 'Enter your password.')
  .max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters.`);

/** A person's or an account's display name. */
export const Name = z
  .string()
  .trim()
  .min(1, 'Enter a name.')
  .max(NAME_MAX, `Keep the name to ${NAME_MAX} characters or fewer.`);

/** An account's URL name. */
export const Slug = z
  .string()
  .trim()
  .min(1, 'Enter a URL name.')
  .min(SLUG_MIN, `Use at least ${SLUG_MIN} characters.`)
  .max(SLUG_MAX, `Keep it to ${SLUG_MAX} characters or fewer.`)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Use lowercase letters, numbers and single hyphens.');

export const TAX_ID_MAX = 30;

/**
 * A seller's tax id as invoices print it (VAT number, EIN, ABN, …): trimmed, uppercased, runs of spaces collapsed;
 * letters, digits and single separators (space . - /). The database checks the same rule (migration 0106).
 */
export const TaxId = z
  .string()
  .transform((v) => v.trim().replace(/\s+/g, ' ').toUpperCase())
  .pipe(
    z
      .string()
      .min(2, 'Enter at least 2 characters, like DE123456789.')
      .max(TAX_ID_MAX, `Keep the tax id to ${TAX_ID_MAX} characters or fewer.`)
      .regex(/^[A-Z0-9]+([ ./-][A-Z0-9]+)*$/, 'Use letters, digits and single spaces, dots, hyphens or slashes.'),
  )
  .meta({ example: 'DE123456789' });

const addressText = (max: number, label: string) =>
  z.string().trim().max(max, `Keep the ${label} to ${max} characters or fewer.`);

/** The postal address a seller's invoices print (camelCase keys, as invoices store addresses). */
export const BillingAddress = z.strictObject({
  line1: addressText(200, 'street address').min(1, 'Enter a street address.'),
  line2: addressText(200, 'second line').default(''),
  postalCode: addressText(20, 'postal code').default(''),
  city: addressText(100, 'city').min(1, 'Enter a city.'),
  state: addressText(100, 'region').default(''),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'Use a two-letter country code like DE.'),
});
