// The narrow TS types of this domain's columns (CHECK-constrained text, jsonb shapes); the tables themselves are
// generated into src/db/schema.gen.ts (`npm run db:types`) and narrowed with these in src/db/types.ts.

/** A flat shipping option a studio offers; `countries` limits it (ISO codes), omitted means everywhere. */
export interface ShippingRate {
  id: string;
  name: string;
  amount: number;
  countries?: string[];
  /** Business days from dispatch to delivery, shown as Stripe's delivery estimate when buyers choose at payment. */
  deliveryDays?: { min: number; max: number };
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
