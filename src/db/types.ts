import type { ColumnType, InsertType, Kysely, SelectType, Transaction } from 'kysely';
import type { EmailLinkPurpose } from '../accounts/index.ts';
import type { InvoiceLine, OfferingType, OrderStatus, RefundStatus, StripeEventStatus } from '../commerce/index.ts';
import type { LedgerAccountKind, PostingReason } from '../credits/index.ts';
import type {
  ApplicationStatus,
  ArtworkStatus,
  EditionType,
  Medium,
  OnboardingStatus,
  PayoutStatus,
  SaleStatus,
} from '../marketplace/index.ts';
import type { CouponKind, Crop, FulfilmentStatus, GalleryStatus, ShippingRate } from '../shop/index.ts';
import type { AccountKind } from './account-kind.ts';
import type { Generated, DB as Schema } from './schema.gen.ts';

/** A jsonb column holding T: reads as T, writes T or JSON text (the generated type says only `unknown`). */
export type Json<T = unknown> = ColumnType<T, T | string, T | string>;

type Address = Json<Record<string, string | null>> | null;

/**
 * Where our code stores less than a generated column allows: CHECK-constrained text as its domain union
 * (declared once, in the domain's tables.ts) and jsonb as its shape. Everything else is schema.gen.ts as is.
 */
interface Narrowings {
  accounts: { kind: AccountKind; billing_address: Json<Record<string, string>> | null };
  memberships: { role: 'owner' | 'admin' | 'member' };
  invitations: { role: 'admin' | 'member' };
  mail_outbox: { status: Generated<'queued' | 'sent' | 'failed' | 'captured'> };
  jobs: { status: Generated<'queued' | 'running' | 'done' | 'failed'> };
  email_links: { purpose: EmailLinkPurpose };
  orders: {
    offering_type: OfferingType;
    status: Generated<OrderStatus>;
    metadata: Generated<Json<Record<string, unknown>>>;
  };
  order_items: { options: Generated<Json<Record<string, unknown>>> };
  order_events: { from_status: OrderStatus | null; to_status: OrderStatus };
  stripe_events: { status: Generated<StripeEventStatus> };
  refunds: { status: Generated<RefundStatus> };
  invoices: {
    seller: Json<Record<string, unknown>>;
    buyer: Json<Record<string, unknown>>;
    lines: Json<InvoiceLine[]>;
  };
  ledger_accounts: { kind: LedgerAccountKind };
  ledger_postings: { reason: PostingReason };
  artist_applications: { status: Generated<ApplicationStatus> };
  artist_profiles: { onboarding_status: Generated<OnboardingStatus> };
  artworks: { medium: Medium; edition_type: Generated<EditionType>; status: Generated<ArtworkStatus> };
  artwork_features: { palette: Json<Array<{ name: string; share: number }>> };
  marketplace_payouts: { status: PayoutStatus };
  marketplace_sales: { status: Generated<SaleStatus>; shipping_address: Address };
  studio_settings: {
    shipping_rates: Generated<Json<ShippingRate[]>>;
    return_address: Json<Record<string, string>> | null;
  };
  galleries: { status: Generated<GalleryStatus> };
  shop_coupons: { kind: CouponKind };
  shop_cart_items: { option_value_ids: Generated<Json<string[]>>; crop: Json<Crop> | null };
  print_fulfilments: { status: Generated<FulfilmentStatus>; shipping_address: Address };
  print_fulfilment_events: { from_status: FulfilmentStatus | null; to_status: FulfilmentStatus };
}

/** N narrows generated column G: selects a subtype and keeps G's nullability and default (jsonb, `unknown`: any shape). */
type Narrows<N, G> = [SelectType<N>] extends [SelectType<G>]
  ? unknown extends SelectType<G>
    ? N
    : [null extends SelectType<N> ? true : false, undefined extends InsertType<N> ? true : false] extends [
          null extends SelectType<G> ? true : false,
          undefined extends InsertType<G> ? true : false,
        ]
      ? N
      : never
  : never;
/** Every narrowed table and column exists in the schema and is a narrowing; a drifted one fails to compile here. */
type Verified<N extends { [T in keyof N]: T extends keyof Schema ? Columns<N[T], Schema[T]> : never }> = N;
type Columns<N, G> = { [C in keyof N]: C extends keyof G ? Narrows<N[C], G[C]> : never };

type Applied = Verified<Narrowings>;

/** All tables, by name: the generated schema (`npm run db:types`) with the narrowings above applied. */
export type Database = {
  [T in keyof Schema]: T extends keyof Applied
    ? { [C in keyof Schema[T]]: C extends keyof Applied[T] ? Applied[T][C] : Schema[T][C] }
    : Schema[T];
};

/** A Kysely handle: the root instance or a transaction. Domain functions take this first. */
export type DB = Kysely<Database>;
export type Tx = Transaction<Database>;
