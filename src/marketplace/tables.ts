import type { ColumnType, Generated } from 'kysely';
import type { Json } from '../db/types.ts';

// bigint comes back as a string on both drivers (see db/connect.ts); mappers turn it into a number.
type Big = ColumnType<string, number | string, number | string>;
// A bigint column with a database default: optional on insert (BigDefault would nest two ColumnTypes).
type BigDefault = ColumnType<string, number | string | undefined, number | string>;

export type ApplicationStatus = 'draft' | 'pending' | 'approved' | 'rejected';
export type SaleStatus = 'paid' | 'shipped' | 'delivered' | 'partially_refunded' | 'refunded' | 'duplicate_refunded';
export type PayoutStatus = 'pending' | 'in_transit' | 'paid' | 'failed' | 'canceled';
export type OnboardingStatus = 'pending' | 'complete' | 'restricted' | 'deauthorized';
export type ArtworkStatus = 'draft' | 'submitted' | 'published' | 'rejected' | 'reserved' | 'sold';
export const media = [
  'painting',
  'drawing',
  'photography',
  'sculpture',
  'print',
  'mixed_media',
  'digital',
  'textile',
  'other',
] as const;
export type Medium = (typeof media)[number];

declare module '../db/types.ts' {
  interface Database {
    artist_applications: {
      id: Generated<string>;
      user_id: string;
      status: Generated<ApplicationStatus>;
      statement: Generated<string>;
      portfolio_url: string | null;
      instagram: string | null;
      exhibitions: Generated<string>;
      country: string | null;
      terms_accepted_at: Date | null;
      rejection_reason: string | null;
      reviewed_by: string | null;
      reviewed_at: Date | null;
      artist_account_id: string | null;
      submitted_at: Date | null;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    artist_profiles: {
      account_id: string;
      stripe_account_id: string | null;
      onboarding_status: Generated<OnboardingStatus>;
      charges_enabled: Generated<boolean>;
      payouts_enabled: Generated<boolean>;
      details_submitted: Generated<boolean>;
      stripe_state_updated_at: Date | null;
      fee_bps: number | null;
      bio: Generated<string>;
      country: string;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    artworks: {
      id: Generated<string>;
      account_id: string;
      title: string;
      description: Generated<string>;
      medium: Medium;
      width_mm: number | null;
      height_mm: number | null;
      depth_mm: number | null;
      year: number | null;
      price_amount: Big;
      currency: string;
      edition_type: Generated<'original' | 'edition'>;
      edition_size: number | null;
      status: Generated<ArtworkStatus>;
      rejection_reason: string | null;
      published_at: Date | null;
      shipping_amount: BigDefault;
      reserved_order_id: string | null;
      reserved_until: Date | null;
      editions_sold: Generated<number>;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    artwork_images: {
      id: Generated<string>;
      artwork_id: string;
      account_id: string;
      storage_key: string;
      position: Generated<number>;
      is_primary: Generated<boolean>;
      width: number;
      height: number;
      created_at: Generated<Date>;
    };
    marketplace_settings: {
      id: Generated<boolean>;
      fee_bps: Generated<number>;
      return_window_days: Generated<number>;
      updated_at: Generated<Date>;
    };
    marketplace_payouts: {
      id: Generated<string>;
      account_id: string;
      stripe_account_id: string;
      stripe_payout_id: string;
      amount: Big;
      currency: string;
      status: PayoutStatus;
      arrival_date: Date | null;
      failure_code: string | null;
      failure_message: string | null;
      stripe_state_at: Date | null;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    marketplace_sales: {
      id: Generated<string>;
      order_id: string;
      account_id: string;
      artwork_id: string;
      buyer_user_id: string | null;
      buyer_email: string;
      buyer_name: string | null;
      currency: string;
      price_amount: Big;
      shipping_amount: BigDefault;
      amount: Big;
      platform_fee: Big;
      artist_amount: Big;
      fee_bps: number;
      stripe_fee: ColumnType<string | null, number | string | null | undefined, number | string | null>;
      status: Generated<SaleStatus>;
      amount_refunded: BigDefault;
      stripe_payment_intent_id: string | null;
      stripe_charge_id: string | null;
      stripe_transfer_id: string | null;
      carrier: string | null;
      tracking_number: string | null;
      tracking_url: string | null;
      shipping_address: Json<Record<string, string | null>> | null;
      shipped_at: Date | null;
      delivered_at: Date | null;
      return_window_ends_at: Date | null;
      certificate_number: string | null;
      payout_id: string | null;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    marketplace_refunds: {
      id: Generated<string>;
      sale_id: string;
      account_id: string;
      amount: Big;
      fee_refunded: Big;
      transfer_reversed: Big;
      amount_owed: BigDefault;
      reason: string | null;
      stripe_refund_id: string | null;
      created_by: string | null;
      created_at: Generated<Date>;
    };
  }
}
