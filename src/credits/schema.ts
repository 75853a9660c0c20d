import { pageMeta, pageQuery } from '../db/keyset.ts';
import { z } from '../http/openapi.ts';

export const BundleOut = z
  .object({
    id: z.string(),
    providerId: z.string(),
    providerName: z.string(),
    name: z.string(),
    hours: z.number().int(),
    priceAmount: z.number().int(),
    currency: z.string(),
    active: z.boolean(),
  })
  .openapi('CreditBundle');

export const BalanceOut = z
  .object({
    providerId: z.string(),
    providerName: z.string(),
    organizationId: z.string(),
    minutes: z.number().int(),
    nextExpiry: z.string().nullable(),
  })
  .openapi('CreditBalance');

export const LotOut = z
  .object({
    id: z.string(),
    providerId: z.string(),
    organizationId: z.string(),
    orderId: z.string().nullable(),
    minutesGranted: z.number().int(),
    balanceMinutes: z.number().int(),
    expiresAt: z.string(),
    expiredAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('CreditLot');

export const UsageOut = z
  .object({
    id: z.string(),
    providerId: z.string(),
    organizationId: z.string(),
    minutes: z.number().int(),
    note: z.string(),
    workedOn: z.string(),
    loggedBy: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('CreditUsage');

export const PurchaseOut = z
  .object({
    orderId: z.string(),
    lotId: z.string(),
    providerId: z.string(),
    description: z.string(),
    total: z.number().int(),
    currency: z.string(),
    status: z.string(),
    paidAt: z.string().nullable(),
    invoiceId: z.string().nullable(),
    invoiceNumber: z.string().nullable(),
    receiptUrl: z.string().nullable(),
  })
  .openapi('CreditPurchase');

// Balances are totals summed in SQL; lots and usage come a keyset page at a time from their own routes.
export const OrgCreditsOut = z.object({ balances: z.array(BalanceOut) });

/** A page of lots; the organization's page also carries the purchases behind those lots. */
export const LotPage = z.object({ data: z.array(LotOut), ...pageMeta }).openapi('CreditLotPage');
export const OrgLotPage = z
  .object({ data: z.array(LotOut), purchases: z.array(PurchaseOut), ...pageMeta })
  .openapi('OrgCreditLotPage');
export const UsagePage = z.object({ data: z.array(UsageOut), ...pageMeta }).openapi('CreditUsagePage');
export const PageQuery = z.object(pageQuery);

export const CustomerOut = z
  .object({
    organizationId: z.string(),
    name: z.string(),
    slug: z.string(),
    firstPurchaseAt: z.string(),
    balanceMinutes: z.number().int(),
  })
  .openapi('CreditCustomer');

export const LogUsageInput = z
  .strictObject({
    organizationId: z.uuid('Unknown organization'),
    minutes: z.number().int('Whole minutes only').min(1).max(100_000),
    note: z.string().trim().max(500).default(''),
    workedOn: z.iso.date('Use YYYY-MM-DD'),
  })
  .openapi('LogUsageInput');

export const LogUsageOut = z.object({
  usageId: z.string(),
  taken: z.array(z.object({ lotId: z.string(), minutes: z.number().int() })),
  balanceMinutes: z.number().int(),
});

export const CheckoutInput = z
  .strictObject({ bundleId: z.uuid('Unknown bundle'), organizationId: z.uuid('Unknown organization') })
  .openapi('CreditCheckoutInput');
