// The narrow TS types of this domain's columns (CHECK-constrained text, jsonb shapes); the tables themselves are
// generated into src/db/schema.gen.ts (`npm run db:types`) and narrowed with these in src/db/types.ts.

export type ApplicationStatus = 'draft' | 'pending' | 'approved' | 'rejected';
export type SaleStatus = 'paid' | 'shipped' | 'delivered' | 'partially_refunded' | 'refunded' | 'duplicate_refunded';
export type PayoutStatus = 'pending' | 'in_transit' | 'paid' | 'failed' | 'canceled';
export type OnboardingStatus = 'pending' | 'complete' | 'restricted' | 'deauthorized';
export type ArtworkStatus = 'draft' | 'submitted' | 'published' | 'rejected' | 'reserved' | 'sold';
export type EditionType = 'original' | 'edition';
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
