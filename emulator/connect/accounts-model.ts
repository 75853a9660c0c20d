import { emitEvent, updateWithEvent } from '../core/events.ts';
import { base62, newId } from '../core/ids.ts';
import type { EmulatorState, Obj, Origin, Rec } from '../core/state.ts';
import { all, clone, insert, nowSec } from '../core/state.ts';
import { embeddedList } from './ledger.ts';

const EURO = new Set('AT BE CY DE EE ES FI FR GR HR IE IT LT LU LV MT NL PT SI SK'.split(' '));
const CURRENCY: Record<string, string> = {
  US: 'usd',
  GB: 'gbp',
  CA: 'cad',
  AU: 'aud',
  NZ: 'nzd',
  JP: 'jpy',
  CH: 'chf',
  SE: 'sek',
  DK: 'dkk',
  NO: 'nok',
  PL: 'pln',
  SG: 'sgd',
  HK: 'hkd',
};
// Countries whose test bank accounts use routing + account numbers rather than an IBAN.
const ROUTING_COUNTRIES = new Set(['US', 'CA', 'AU', 'NZ', 'JP', 'SG', 'HK']);

/** Test account number that makes payouts fail, as in Stripe test mode. */
export const FAILING_ACCOUNT_NUMBER = '000111111116';

/** Default settlement currency for a country. */
export function currencyFor(country: string): string {
  return EURO.has(country) ? 'eur' : (CURRENCY[country] ?? 'usd');
}

/** True when the country's test bank details are an IBAN. */
export function usesIban(country: string): boolean {
  return !ROUTING_COUNTRIES.has(country);
}

/** Prefilled test bank details for the onboarding form. */
export function testBankDetails(country: string): { iban?: string; routing?: string; accountNumber?: string } {
  if (!usesIban(country)) return { routing: '110000000', accountNumber: '000123456789' };
  return { iban: country === 'GB' ? 'GB82WEST12345698765432' : `${country}89370400440532013000` };
}

/** Requirements Stripe lists for a fresh account, minus whatever was already provided. */
export function initialRequirements(a: Obj): string[] {
  const who = a.business_type === 'company' ? 'company' : a.business_type ? 'individual' : null;
  const fields = [
    'business_profile.mcc',
    'business_profile.url',
    ...(who ? [] : ['business_type']),
    'external_account',
    ...(who === 'company'
      ? ['company.address.city', 'company.address.line1', 'company.name', 'company.tax_id', 'representative.first_name']
      : ['individual.dob.day', 'individual.dob.month', 'individual.dob.year', 'individual.email']),
    ...(who === 'individual' ? ['individual.first_name', 'individual.last_name', 'individual.phone'] : []),
    'tos_acceptance.date',
    'tos_acceptance.ip',
  ];
  return fields.filter(
    (f) =>
      !(f === 'business_profile.mcc' && a.business_profile.mcc) &&
      !(f === 'business_profile.url' && a.business_profile.url) &&
      !(f === 'individual.email' && a.email),
  );
}

function requirementsHash(due: string[]): Obj {
  return {
    alternatives: [],
    current_deadline: null,
    currently_due: [...due],
    disabled_reason: due.length ? 'requirements.past_due' : null,
    errors: [],
    eventually_due: [...due],
    past_due: [...due],
    pending_verification: [],
  };
}

/** Empty requirements (nothing due). */
export const noRequirements = (): Obj => requirementsHash([]);

/** Recomputes `requirements` after params change, unless onboarding already finished. */
export function refreshRequirements(a: Obj): void {
  if (a.details_submitted) return;
  a.requirements = requirementsHash(initialRequirements(a));
}

/** A new connected account object from validated create params. */
export function buildAccount(state: EmulatorState, p: Obj): Obj {
  const id = newId('acct');
  const country = (p.country ?? 'US').toUpperCase();
  const bp = p.business_profile ?? {};
  const capabilities: Obj = {};
  for (const [name, v] of Object.entries((p.capabilities ?? {}) as Obj))
    if (v?.requested) capabilities[name] = 'inactive';
  const account: Obj = {
    id,
    object: 'account',
    business_profile: {
      annual_revenue: null,
      estimated_worker_count: null,
      mcc: bp.mcc ?? null,
      minority_owned_business_designation: null,
      name: bp.name ?? null,
      product_description: bp.product_description ?? null,
      support_address: null,
      support_email: bp.support_email ?? null,
      support_phone: bp.support_phone ?? null,
      support_url: bp.support_url ?? null,
      url: bp.url ?? null,
    },
    business_type: p.business_type ?? null,
    capabilities,
    charges_enabled: false,
    controller: {
      fees: { payer: 'application' },
      is_controller: true,
      losses: { payments: 'application' },
      requirement_collection: p.type === 'custom' ? 'application' : 'stripe',
      stripe_dashboard: { type: p.type === 'standard' ? 'full' : p.type === 'express' ? 'express' : 'none' },
      type: 'application',
    },
    country,
    created: nowSec(state),
    default_currency: p.default_currency ?? currencyFor(country),
    details_submitted: false,
    email: p.email ?? null,
    external_accounts: embeddedList(`/v1/accounts/${id}/external_accounts`, []),
    future_requirements: requirementsHash([]),
    metadata: p.metadata ?? {},
    payouts_enabled: false,
    requirements: requirementsHash([]),
    settings: {
      bacs_debit_payments: { display_name: null, service_user_number: null },
      branding: { icon: null, logo: null, primary_color: null, secondary_color: null },
      card_issuing: { tos_acceptance: { date: null, ip: null } },
      card_payments: {
        decline_on: { avs_failure: false, cvc_failure: false },
        statement_descriptor_prefix: null,
        statement_descriptor_prefix_kana: null,
        statement_descriptor_prefix_kanji: null,
      },
      dashboard: { display_name: bp.name ?? null, timezone: 'Etc/UTC' },
      invoices: { default_account_tax_ids: null, hosted_payment_method_save: 'offer' },
      payments: {
        statement_descriptor: null,
        statement_descriptor_kana: null,
        statement_descriptor_kanji: null,
        statement_descriptor_prefix_kana: null,
        statement_descriptor_prefix_kanji: null,
      },
      payouts: {
        debit_negative_balances: true,
        schedule: { delay_days: 2, interval: p.settings?.payouts?.schedule?.interval ?? 'daily' },
        statement_descriptor: null,
      },
      sepa_debit_payments: {},
    },
    tos_acceptance: { date: null, ip: null, user_agent: null },
    type: p.type ?? 'express',
  };
  refreshRequirements(account);
  return account;
}

/** Capability object (`GET /v1/accounts/:id/capabilities`). */
export function capabilityObject(rec: Rec, name: string): Obj {
  const status = rec.obj.capabilities[name];
  return {
    id: name,
    object: 'capability',
    account: rec.id,
    future_requirements: requirementsHash([]),
    requested: true,
    requested_at: rec.internal.requestedAt?.[name] ?? rec.obj.created,
    requirements: status === 'active' ? requirementsHash([]) : clone(rec.obj.requirements),
    status,
  };
}

/** Bank details as entered on the onboarding form or sent as `external_account`. */
export interface BankInput {
  iban?: string | null;
  routing?: string | null;
  accountNumber?: string | null;
  holderName?: string | null;
}

/** Attaches a bank account (`ba_…`) as the account's default external account and emits its event. */
export function attachBankAccount(state: EmulatorState, origin: Origin, rec: Rec, bank: BankInput): Rec {
  const a = rec.obj;
  const number = (bank.iban ?? bank.accountNumber ?? '000123456789').replace(/\s+/g, '');
  for (const old of all(state, 'bank_account', rec.id)) old.obj.default_for_currency = false;
  const ba = insert(
    state,
    'bank_account',
    {
      id: newId('ba'),
      object: 'bank_account',
      account: rec.id,
      account_holder_name: bank.holderName ?? a.business_profile.name ?? null,
      account_holder_type: a.business_type === 'company' ? 'company' : 'individual',
      account_type: null,
      available_payout_methods: ['standard', 'instant'],
      bank_name: 'STRIPE TEST BANK',
      country: a.country,
      currency: a.default_currency,
      customer: null,
      default_for_currency: true,
      fingerprint: base62(16),
      last4: number.slice(-4),
      metadata: {},
      routing_number: bank.iban ? null : (bank.routing ?? '110000000'),
      status: 'new',
    },
    rec.id,
    { accountNumber: number },
  );
  a.external_accounts = embeddedList(
    `/v1/accounts/${rec.id}/external_accounts`,
    all(state, 'bank_account', rec.id).map((r) => clone(r.obj)),
  );
  emitEvent(state, { ...origin, account: rec.id }, 'account.external_account.created', ba.obj);
  return ba;
}

/** What the hosted onboarding form (or the control endpoint) submits. */
export interface OnboardingInput extends BankInput {
  businessName?: string | null;
  email?: string | null;
  phone?: string | null;
  dob?: string | null;
  userAgent?: string | null;
}

/** Finishes onboarding: details submitted, capabilities active, bank attached, `account.updated` emitted. */
export function completeOnboarding(state: EmulatorState, origin: Origin, rec: Rec, input: OnboardingInput): void {
  const connectOrigin = { ...origin, account: rec.id };
  const a = rec.obj;
  const hadBank = a.external_accounts.data.length > 0;
  if (!hadBank || input.iban || input.accountNumber) attachBankAccount(state, origin, rec, input);
  const before = clone(a.capabilities);
  updateWithEvent(state, connectOrigin, rec, 'account.updated', (o) => {
    if (input.businessName) {
      o.business_profile.name = input.businessName;
      o.settings.dashboard.display_name = input.businessName;
    }
    if (input.email) o.email = input.email;
    if (input.phone) o.business_profile.support_phone = input.phone;
    o.business_profile.mcc ??= '5971';
    o.business_profile.url ??= 'https://accessible.stripe.com';
    o.business_type ??= 'individual';
    if (!Object.keys(o.capabilities).length) o.capabilities = { card_payments: 'inactive', transfers: 'inactive' };
    for (const name of Object.keys(o.capabilities)) o.capabilities[name] = 'active';
    o.details_submitted = true;
    o.charges_enabled = true;
    o.payouts_enabled = true;
    o.requirements = noRequirements();
    o.future_requirements = noRequirements();
    o.tos_acceptance = { date: nowSec(state), ip: '127.0.0.1', user_agent: input.userAgent ?? null };
  });
  rec.internal.onboarding = { dob: input.dob ?? '1901-01-01', phone: input.phone ?? null };
  for (const name of Object.keys(a.capabilities)) {
    if (before[name] !== 'active') emitEvent(state, connectOrigin, 'capability.updated', capabilityObject(rec, name));
  }
}
