import type { ColumnType, Generated } from 'kysely';
import type { Json } from '../db/types.ts';

// bigint comes back as a string on both drivers (see db/connect.ts); mappers turn it into a number.
type Big = ColumnType<string, number | string, number | string>;

/** A flat shipping option a studio offers; `countries` limits it (ISO codes), omitted means everywhere. */
export interface ShippingRate {
  id: string;
  name: string;
  amount: number;
  countries?: string[];
}

/** A crop rectangle in 0..1 fractions of the photo. */
export interface Crop {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type GalleryStatus = 'draft' | 'published' | 'archived';
export type CouponKind = 'percent' | 'fixed' | 'free_shipping';
export type FulfilmentStatus = 'paid' | 'in_production' | 'shipped' | 'delivered' | 'cancelled';

declare module '../db/types.ts' {
  interface Database {
    studio_settings: {
      account_id: string;
      currency: Generated<string>;
      tax_rate_bps: Generated<number>;
      tax_inclusive: Generated<boolean>;
      shipping_rates: Json<ShippingRate[]>;
      return_address: Json<Record<string, string>> | null;
      logo_key: string | null;
      accent_color: string | null;
      updated_at: Generated<Date>;
    };
    studio_clients: {
      id: Generated<string>;
      account_id: string;
      name: string;
      email: string;
      notes: Generated<string>;
      created_at: Generated<Date>;
    };
    print_products: {
      id: Generated<string>;
      account_id: string;
      sku: string;
      name: string;
      description: Generated<string>;
      base_price: Big;
      active: Generated<boolean>;
      created_at: Generated<Date>;
    };
    print_option_groups: {
      id: Generated<string>;
      product_id: string;
      account_id: string;
      name: string;
      position: Generated<number>;
    };
    print_option_values: {
      id: Generated<string>;
      group_id: string;
      account_id: string;
      label: string;
      price_adjustment: Big;
      min_width_px: number | null;
      min_height_px: number | null;
      aspect_ratio: string | null;
      position: Generated<number>;
    };
    price_sheets: {
      id: Generated<string>;
      account_id: string;
      name: string;
      is_default: Generated<boolean>;
      created_at: Generated<Date>;
    };
    price_sheet_products: { sheet_id: string; product_id: string; account_id: string };
    galleries: {
      id: Generated<string>;
      account_id: string;
      title: string;
      client_id: string | null;
      event_date: ColumnType<Date, string | null, string | null> | null;
      cover_photo_id: string | null;
      token: string;
      pin_hash: string | null;
      expires_at: Date | null;
      store_enabled: Generated<boolean>;
      watermark: Generated<boolean>;
      price_sheet_id: string | null;
      status: Generated<GalleryStatus>;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    gallery_photos: {
      id: Generated<string>;
      gallery_id: string;
      account_id: string;
      original_key: string;
      web_key: string;
      thumb_key: string;
      content_type: string;
      width: number;
      height: number;
      position: Generated<number>;
      filename: string;
      bytes: Big;
      created_at: Generated<Date>;
    };
    shop_coupons: {
      id: Generated<string>;
      account_id: string;
      code: string;
      kind: CouponKind;
      value: Big;
      min_order_amount: Big;
      max_redemptions: number | null;
      redemptions: Generated<number>;
      starts_at: Date | null;
      ends_at: Date | null;
      active: Generated<boolean>;
      created_at: Generated<Date>;
    };
    shop_carts: {
      id: Generated<string>;
      gallery_id: string;
      account_id: string;
      visitor_id: string;
      coupon_id: string | null;
      shipping_rate_id: string | null;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    shop_cart_items: {
      id: Generated<string>;
      cart_id: string;
      account_id: string;
      photo_id: string;
      product_id: string;
      option_value_ids: Json<string[]>;
      quantity: number;
      crop: Json<Crop> | null;
      created_at: Generated<Date>;
    };
    print_fulfilments: {
      order_id: string;
      account_id: string;
      gallery_id: string | null;
      status: Generated<FulfilmentStatus>;
      lab: Generated<string>;
      lab_reference: string | null;
      carrier: string | null;
      tracking_number: string | null;
      tracking_url: string | null;
      shipping_address: Json<Record<string, string | null>> | null;
      buyer_name: string | null;
      in_production_at: Date | null;
      shipped_at: Date | null;
      delivered_at: Date | null;
      cancelled_at: Date | null;
      created_at: Generated<Date>;
      updated_at: Generated<Date>;
    };
    print_fulfilment_events: {
      id: Generated<string>;
      order_id: string;
      account_id: string;
      from_status: FulfilmentStatus | null;
      to_status: FulfilmentStatus;
      actor_user_id: string | null;
      note: string | null;
      created_at: Generated<Date>;
    };
  }
}
