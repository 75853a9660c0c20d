// Generated from the migrated schema by `npm run db:types` (src/db/codegen.ts): do not edit.
// Domain narrowings (status unions, jsonb shapes) are applied in src/db/types.ts.

import type { ColumnType } from "kysely";

export type Generated<T> = T extends ColumnType<infer S, infer I, infer U>
  ? ColumnType<S, I | undefined, U>
  : ColumnType<T, T | undefined, T>;

export type Int8 = ColumnType<string, bigint | number | string, bigint | number | string>;

export type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface Accounts {
  billing_address: unknown | null;
  created_at: Generated<Timestamp>;
  id: Generated<string>;
  kind: string;
  name: string;
  slug: string;
  suspended_at: Timestamp | null;
  tax_id: string | null;
  updated_at: Generated<Timestamp>;
}

export interface AcpCheckoutSessions {
  buyer: unknown | null;
  created_at: Generated<Timestamp>;
  currency: string;
  expires_at: Timestamp;
  fulfillment_details: unknown | null;
  id: string;
  items: unknown;
  order_id: string | null;
  platform_id: string;
  selected_fulfillment_options: unknown | null;
  status: string;
  updated_at: Generated<Timestamp>;
}

export interface AcpIdempotencyKeys {
  completed_at: Timestamp | null;
  created_at: Generated<Timestamp>;
  fingerprint: string;
  id: Generated<Int8>;
  idempotency_key: string;
  path: string;
  response_body: string | null;
  response_headers: unknown | null;
  response_status: number | null;
  scope: string;
  status: Generated<string>;
}

export interface AgentPlatforms {
  created_at: Generated<Timestamp>;
  created_by: string | null;
  id: Generated<string>;
  last_used_at: Timestamp | null;
  name: string;
  revoked_at: Timestamp | null;
  token_hash: string;
  token_prefix: string;
  webhook_secret: string | null;
  webhook_url: string | null;
}

export interface AgentWebhookDeliveries {
  attempts: Generated<number>;
  created_at: Generated<Timestamp>;
  delivered_at: Timestamp | null;
  event_type: string;
  id: Generated<string>;
  last_error: string | null;
  order_id: string | null;
  payload: unknown;
  platform_id: string;
  status: Generated<string>;
}

export interface ApiKeys {
  account_id: string;
  created_at: Generated<Timestamp>;
  created_by: string;
  id: Generated<string>;
  last_used_at: Timestamp | null;
  name: string;
  prefix: string;
  revoked_at: Timestamp | null;
  role: string;
  secret_hash: string;
}

export interface ArtistApplications {
  artist_account_id: string | null;
  country: string | null;
  created_at: Generated<Timestamp>;
  exhibitions: Generated<string>;
  id: Generated<string>;
  instagram: string | null;
  portfolio_url: string | null;
  rejection_reason: string | null;
  reviewed_at: Timestamp | null;
  reviewed_by: string | null;
  statement: Generated<string>;
  status: Generated<string>;
  submitted_at: Timestamp | null;
  terms_accepted_at: Timestamp | null;
  updated_at: Generated<Timestamp>;
  user_id: string;
}

export interface ArtistProfiles {
  account_id: string;
  bio: Generated<string>;
  charges_enabled: Generated<boolean>;
  country: string;
  created_at: Generated<Timestamp>;
  details_submitted: Generated<boolean>;
  fee_bps: number | null;
  onboarding_status: Generated<string>;
  payouts_enabled: Generated<boolean>;
  stripe_account_id: string | null;
  stripe_state_updated_at: Timestamp | null;
  updated_at: Generated<Timestamp>;
}

export interface ArtworkFeatures {
  artwork_id: string;
  computed_at: Generated<Timestamp>;
  image_id: string | null;
  keywords: Generated<string[]>;
  palette: Generated<unknown>;
  price_band: number;
  size_band: number | null;
  text_hash: string;
  text_model: string;
  vec: number[];
}

export interface ArtworkImages {
  account_id: string;
  artwork_id: string;
  created_at: Generated<Timestamp>;
  height: number;
  id: Generated<string>;
  is_primary: Generated<boolean>;
  position: Generated<number>;
  storage_key: string;
  width: number;
}

export interface Artworks {
  account_id: string;
  created_at: Generated<Timestamp>;
  currency: string;
  depth_mm: number | null;
  description: Generated<string>;
  edition_size: number | null;
  edition_type: Generated<string>;
  editions_sold: Generated<number>;
  height_mm: number | null;
  id: Generated<string>;
  medium: string;
  price_amount: Int8;
  published_at: Timestamp | null;
  rejection_reason: string | null;
  reserved_order_id: string | null;
  reserved_until: Timestamp | null;
  shipping_amount: Generated<Int8>;
  status: Generated<string>;
  title: string;
  updated_at: Generated<Timestamp>;
  width_mm: number | null;
  year: number | null;
}

export interface ArtworkSaves {
  artwork_id: string;
  created_at: Generated<Timestamp>;
  user_id: string;
}

export interface ArtworkViews {
  artwork_id: string;
  user_id: string;
  viewed_at: Generated<Timestamp>;
  views: Generated<number>;
}

export interface AssistantConversations {
  account_id: string | null;
  assistant: string;
  created_at: Generated<Timestamp>;
  guest_key: string | null;
  id: Generated<string>;
  title: Generated<string>;
  updated_at: Generated<Timestamp>;
  user_id: string | null;
}

export interface AssistantLiveSessions {
  account_id: string | null;
  assistant: string;
  conversation_id: string | null;
  end_reason: string | null;
  ended_at: Timestamp | null;
  expires_at: Timestamp;
  id: Generated<string>;
  renewed_from: string | null;
  seen_at: Timestamp;
  started_at: Timestamp;
  user_id: string;
}

export interface AssistantMessages {
  conversation_id: string;
  created_at: Generated<Timestamp>;
  id: string;
  parts: unknown;
  position: number;
  role: string;
}

export interface AssistantUsage {
  account_id: string | null;
  assistant: string;
  created_at: Generated<Timestamp>;
  guest: Generated<boolean>;
  id: Generated<Int8>;
  input_tokens: Generated<number>;
  model: string;
  output_tokens: Generated<number>;
  user_id: string | null;
}

export interface AuditEvents {
  account_id: string | null;
  action: string;
  actor: string;
  actor_user_id: string | null;
  after: unknown | null;
  before: unknown | null;
  created_at: Generated<Timestamp>;
  entity_id: string | null;
  entity_type: string;
  id: Generated<string>;
  request_id: string | null;
}

export interface CommerceCheckpoints {
  leased_until: Timestamp | null;
  name: string;
  updated_at: Generated<Timestamp>;
  value: Generated<Int8>;
}

export interface CreditBalances {
  minutes: Generated<Int8>;
  organization_account_id: string;
  provider_account_id: string;
}

export interface CreditBundles {
  account_id: string;
  active: Generated<boolean>;
  created_at: Generated<Timestamp>;
  currency: string;
  hours: number;
  id: Generated<string>;
  name: string;
  price_amount: Int8;
  stripe_price_id: string | null;
}

export interface CreditLots {
  balance_minutes: Int8;
  created_at: Generated<Timestamp>;
  expired_at: Timestamp | null;
  expires_at: Timestamp;
  id: Generated<string>;
  ledger_account_id: string;
  minutes_granted: Int8;
  order_id: string | null;
  organization_account_id: string;
  provider_account_id: string;
}

export interface CreditUsage {
  created_at: Generated<Timestamp>;
  id: Generated<string>;
  logged_by: string | null;
  minutes: Int8;
  note: Generated<string>;
  organization_account_id: string;
  posting_id: string;
  provider_account_id: string;
  worked_on: Timestamp;
}

export interface Disputes {
  account_id: string;
  amount: Int8;
  created_at: Generated<Timestamp>;
  currency: string;
  evidence_due_by: Timestamp | null;
  id: Generated<string>;
  is_charge_refundable: Generated<boolean>;
  last_event_created: Timestamp;
  last_event_rank: number;
  order_id: string;
  platform_liable: Generated<boolean>;
  reason: string;
  status: string;
  stripe_charge_id: string;
  stripe_created_at: Timestamp;
  stripe_dispute_id: string;
  stripe_payment_intent_id: string | null;
  updated_at: Generated<Timestamp>;
}

export interface EmailLinks {
  created_at: Generated<Timestamp>;
  expires_at: Timestamp;
  id: Generated<string>;
  purpose: string;
  token_hash: string;
  used_at: Timestamp | null;
  user_id: string;
}

export interface EmbeddingCache {
  content_hash: string;
  created_at: Generated<Timestamp>;
  model: string;
  vector: number[];
}

export interface Galleries {
  account_id: string;
  client_id: string | null;
  cover_photo_id: string | null;
  created_at: Generated<Timestamp>;
  event_date: Timestamp | null;
  expires_at: Timestamp | null;
  id: Generated<string>;
  pin_hash: string | null;
  price_sheet_id: string | null;
  status: Generated<string>;
  store_enabled: Generated<boolean>;
  title: string;
  token: string;
  updated_at: Generated<Timestamp>;
  watermark: Generated<boolean>;
}

export interface GalleryPhotos {
  account_id: string;
  bytes: Int8;
  content_type: string;
  created_at: Generated<Timestamp>;
  filename: string;
  gallery_id: string;
  height: number;
  id: Generated<string>;
  original_key: string;
  position: Generated<number>;
  thumb_key: string;
  web_key: string;
  width: number;
}

export interface Invitations {
  accepted_at: Timestamp | null;
  account_id: string;
  created_at: Generated<Timestamp>;
  email: string;
  expires_at: Timestamp;
  id: Generated<string>;
  invited_by: string;
  revoked_at: Timestamp | null;
  role: string;
  token_hash: string;
}

export interface InvoiceCounters {
  account_id: string;
  last_number: Generated<number>;
}

export interface Invoices {
  access_token_hash: string;
  account_id: string;
  buyer: unknown;
  currency: string;
  discount: Generated<Int8>;
  id: Generated<string>;
  issued_at: Generated<Timestamp>;
  lines: unknown;
  number: string;
  order_id: string;
  receipt_url: string | null;
  seller: unknown;
  shipping: Generated<Int8>;
  subtotal: Int8;
  tax: Generated<Int8>;
  total: Int8;
}

export interface Jobs {
  attempts: Generated<number>;
  created_at: Generated<Timestamp>;
  finished_at: Timestamp | null;
  id: Generated<Int8>;
  last_error: string | null;
  locked_by: string | null;
  locked_until: Timestamp | null;
  max_attempts: Generated<number>;
  name: string;
  payload: Generated<unknown>;
  run_at: Generated<Timestamp>;
  status: Generated<string>;
  unique_key: string | null;
}

export interface JobSchedules {
  interval_seconds: number;
  last_run_at: Timestamp | null;
  name: string;
  next_run_at: Timestamp;
}

export interface LedgerAccounts {
  created_at: Generated<Timestamp>;
  id: Generated<string>;
  kind: string;
  organization_account_id: string | null;
  provider_account_id: string;
}

export interface LedgerEntries {
  amount_minutes: Int8;
  created_at: Generated<Timestamp>;
  id: Generated<Int8>;
  ledger_account_id: string;
  posting_id: string;
}

export interface LedgerPostings {
  created_at: Generated<Timestamp>;
  created_by: string;
  id: Generated<string>;
  reason: string;
  reference: string;
}

export interface MailOutbox {
  account_id: string | null;
  attempts: Generated<number>;
  created_at: Generated<Timestamp>;
  html: string;
  id: Generated<string>;
  last_error: string | null;
  sent_at: Timestamp | null;
  status: Generated<string>;
  subject: string;
  template: string;
  text: string;
  to_address: string;
}

export interface MarketplaceArtworkSales {
  account_id: string;
  artwork_id: string;
  currency: string;
  net: Generated<Int8>;
  sales: Generated<number>;
}

export interface MarketplaceDailyCheckouts {
  account_id: string;
  day: Timestamp;
  paid: Generated<number>;
  started: Generated<number>;
}

export interface MarketplaceDailySales {
  account_id: string;
  artwork_id: string;
  channel: string;
  currency: string;
  day: Timestamp;
  fees: Generated<Int8>;
  fees_refunded: Generated<Int8>;
  gross: Generated<Int8>;
  refunds: Generated<Int8>;
  sale_fees_refunded: Generated<Int8>;
  sale_refunds: Generated<Int8>;
  sales: Generated<number>;
}

export interface MarketplaceDisputeRecoveries {
  account_id: string;
  amount: Int8;
  amount_owed: Generated<Int8>;
  created_at: Generated<Timestamp>;
  currency: string;
  dispute_id: string;
  id: Generated<string>;
  reversed_at: Timestamp | null;
  sale_id: string;
  status: Generated<string>;
  stripe_transfer_reversal_id: string | null;
}

export interface MarketplaceMonthlySales {
  account_id: string;
  channel: string;
  currency: string;
  fees: Generated<Int8>;
  fees_refunded: Generated<Int8>;
  gross: Generated<Int8>;
  month: Timestamp;
  refunds: Generated<Int8>;
  sale_fees_refunded: Generated<Int8>;
  sale_refunds: Generated<Int8>;
  sales: Generated<number>;
  shard: number;
}

export interface MarketplacePayouts {
  account_id: string;
  amount: Int8;
  arrival_date: Timestamp | null;
  created_at: Generated<Timestamp>;
  currency: string;
  failure_code: string | null;
  failure_message: string | null;
  id: Generated<string>;
  status: string;
  stripe_account_id: string;
  stripe_payout_id: string;
  stripe_state_at: Timestamp | null;
  updated_at: Generated<Timestamp>;
}

export interface MarketplaceRefunds {
  account_id: string;
  amount: Int8;
  amount_owed: Generated<Int8>;
  created_at: Generated<Timestamp>;
  created_by: string | null;
  fee_refunded: Int8;
  id: Generated<string>;
  reason: string | null;
  sale_id: string;
  stripe_refund_id: string | null;
  transfer_reversed: Int8;
}

export interface MarketplaceSales {
  account_id: string;
  amount: Int8;
  amount_refunded: Generated<Int8>;
  artist_amount: Int8;
  artwork_id: string;
  buyer_email: string;
  buyer_name: string | null;
  buyer_user_id: string | null;
  carrier: string | null;
  certificate_number: string | null;
  created_at: Generated<Timestamp>;
  currency: string;
  delivered_at: Timestamp | null;
  fee_bps: number;
  id: Generated<string>;
  order_id: string;
  payout_id: string | null;
  platform_fee: Int8;
  price_amount: Int8;
  return_window_ends_at: Timestamp | null;
  shipped_at: Timestamp | null;
  shipping_address: unknown | null;
  shipping_amount: Generated<Int8>;
  status: Generated<string>;
  stripe_charge_id: string | null;
  stripe_fee: Int8 | null;
  stripe_payment_intent_id: string | null;
  stripe_transfer_id: string | null;
  tracking_number: string | null;
  tracking_url: string | null;
  updated_at: Generated<Timestamp>;
}

export interface MarketplaceSettings {
  fee_bps: Generated<number>;
  id: Generated<boolean>;
  return_window_days: Generated<number>;
  updated_at: Generated<Timestamp>;
}

export interface Memberships {
  account_id: string;
  created_at: Generated<Timestamp>;
  role: string;
  user_id: string;
}

export interface OrderEvents {
  account_id: string;
  actor: string;
  actor_user_id: string | null;
  created_at: Generated<Timestamp>;
  from_status: string | null;
  id: Generated<Int8>;
  order_id: string;
  reason: string | null;
  stripe_event_id: string | null;
  to_status: string;
}

export interface OrderItems {
  account_id: string;
  id: Generated<string>;
  line_total: Int8;
  name: string;
  options: Generated<unknown>;
  order_id: string;
  position: Generated<number>;
  quantity: number;
  unit_amount: Int8;
}

export interface Orders {
  account_id: string;
  agent_platform_id: string | null;
  amount_refunded: Generated<Int8>;
  buyer_email: string;
  buyer_user_id: string | null;
  channel: Generated<string>;
  created_at: Generated<Timestamp>;
  currency: string;
  destination_account: string | null;
  discount: Generated<Int8>;
  id: Generated<string>;
  metadata: Generated<unknown>;
  offering_type: string;
  paid_at: Timestamp | null;
  receipt_url: string | null;
  shipping: Generated<Int8>;
  status: Generated<string>;
  stripe_charge_id: string | null;
  stripe_checkout_session_id: string | null;
  stripe_payment_intent_id: string | null;
  subtotal: Int8;
  tax: Generated<Int8>;
  tax_inclusive: Generated<boolean>;
  total: Int8;
  updated_at: Generated<Timestamp>;
}

export interface PasswordResets {
  created_at: Generated<Timestamp>;
  expires_at: Timestamp;
  id: Generated<string>;
  token_hash: string;
  used_at: Timestamp | null;
  user_id: string;
}

export interface PriceSheetProducts {
  account_id: string;
  product_id: string;
  sheet_id: string;
}

export interface PriceSheets {
  account_id: string;
  created_at: Generated<Timestamp>;
  id: Generated<string>;
  is_default: Generated<boolean>;
  name: string;
}

export interface PrintFulfilmentEvents {
  account_id: string;
  actor_user_id: string | null;
  created_at: Generated<Timestamp>;
  from_status: string | null;
  id: Generated<Int8>;
  note: string | null;
  order_id: string;
  to_status: string;
}

export interface PrintFulfilments {
  account_id: string;
  buyer_name: string | null;
  cancelled_at: Timestamp | null;
  carrier: string | null;
  created_at: Generated<Timestamp>;
  delivered_at: Timestamp | null;
  gallery_id: string | null;
  in_production_at: Timestamp | null;
  lab: Generated<string>;
  lab_reference: string | null;
  order_id: string;
  shipped_at: Timestamp | null;
  shipping_address: unknown | null;
  status: Generated<string>;
  tracking_number: string | null;
  tracking_url: string | null;
  updated_at: Generated<Timestamp>;
}

export interface PrintOptionGroups {
  account_id: string;
  id: Generated<string>;
  name: string;
  position: Generated<number>;
  product_id: string;
}

export interface PrintOptionValues {
  account_id: string;
  aspect_ratio: string | null;
  group_id: string;
  id: Generated<string>;
  label: string;
  min_height_px: number | null;
  min_width_px: number | null;
  position: Generated<number>;
  price_adjustment: Generated<Int8>;
}

export interface PrintProducts {
  account_id: string;
  active: Generated<boolean>;
  base_price: Int8;
  created_at: Generated<Timestamp>;
  description: Generated<string>;
  id: Generated<string>;
  name: string;
  sku: string;
}

export interface ProviderCustomers {
  first_purchase_at: Timestamp;
  organization_account_id: string;
  provider_account_id: string;
}

export interface RateLimits {
  hits: number;
  key: string;
  window_start: Timestamp;
}

export interface Refunds {
  account_id: string;
  amount: Int8;
  created_at: Generated<Timestamp>;
  id: Generated<string>;
  order_id: string;
  reason: string | null;
  requested_by: string | null;
  seq: number;
  status: Generated<string>;
  stripe_refund_id: string | null;
  updated_at: Generated<Timestamp>;
}

export interface SchemaMigrations {
  applied_at: Generated<Timestamp>;
  checksum: string;
  name: string;
  version: string;
}

export interface Sessions {
  created_at: Generated<Timestamp>;
  expires_at: Timestamp;
  id: Generated<string>;
  ip: string | null;
  last_seen_at: Generated<Timestamp>;
  token_hash: string;
  user_agent: string | null;
  user_id: string;
}

export interface ShopCartItems {
  account_id: string;
  cart_id: string;
  created_at: Generated<Timestamp>;
  crop: unknown | null;
  id: Generated<string>;
  option_value_ids: Generated<unknown>;
  photo_id: string;
  product_id: string;
  quantity: number;
}

export interface ShopCarts {
  account_id: string;
  coupon_id: string | null;
  created_at: Generated<Timestamp>;
  gallery_id: string;
  id: Generated<string>;
  shipping_rate_id: string | null;
  updated_at: Generated<Timestamp>;
  visitor_id: string;
}

export interface ShopCoupons {
  account_id: string;
  active: Generated<boolean>;
  code: string;
  created_at: Generated<Timestamp>;
  ends_at: Timestamp | null;
  id: Generated<string>;
  kind: string;
  max_redemptions: number | null;
  min_order_amount: Generated<Int8>;
  redemptions: Generated<number>;
  starts_at: Timestamp | null;
  value: Generated<Int8>;
}

export interface ShopStripeTaxRates {
  account_id: string;
  created_at: Generated<Timestamp>;
  inclusive: boolean;
  rate_bps: number;
  stripe_tax_rate_id: string;
}

export interface StripeEvents {
  account: string | null;
  error: string | null;
  id: string;
  order_id: string | null;
  payload: unknown;
  processed_at: Timestamp | null;
  reason: string | null;
  received_at: Generated<Timestamp>;
  status: Generated<string>;
  type: string;
}

export interface StudioClients {
  account_id: string;
  created_at: Generated<Timestamp>;
  email: string;
  id: Generated<string>;
  name: string;
  notes: Generated<string>;
}

export interface StudioSettings {
  accent_color: string | null;
  account_id: string;
  currency: Generated<string>;
  logo_key: string | null;
  return_address: unknown | null;
  shipping_rates: Generated<unknown>;
  stripe_promotion_codes: Generated<boolean>;
  stripe_shipping_choice: Generated<boolean>;
  tax_inclusive: Generated<boolean>;
  tax_rate_bps: Generated<number>;
  updated_at: Generated<Timestamp>;
}

export interface UnconfirmedUsers {
  created_at: Generated<Timestamp>;
  user_id: string;
}

export interface Users {
  created_at: Generated<Timestamp>;
  email: string;
  id: Generated<string>;
  is_platform_admin: Generated<boolean>;
  name: string;
  password_hash: string;
  suspended_at: Timestamp | null;
  updated_at: Generated<Timestamp>;
}

export interface DB {
  accounts: Accounts;
  acp_checkout_sessions: AcpCheckoutSessions;
  acp_idempotency_keys: AcpIdempotencyKeys;
  agent_platforms: AgentPlatforms;
  agent_webhook_deliveries: AgentWebhookDeliveries;
  api_keys: ApiKeys;
  artist_applications: ArtistApplications;
  artist_profiles: ArtistProfiles;
  artwork_features: ArtworkFeatures;
  artwork_images: ArtworkImages;
  artwork_saves: ArtworkSaves;
  artwork_views: ArtworkViews;
  artworks: Artworks;
  assistant_conversations: AssistantConversations;
  assistant_live_sessions: AssistantLiveSessions;
  assistant_messages: AssistantMessages;
  assistant_usage: AssistantUsage;
  audit_events: AuditEvents;
  commerce_checkpoints: CommerceCheckpoints;
  credit_balances: CreditBalances;
  credit_bundles: CreditBundles;
  credit_lots: CreditLots;
  credit_usage: CreditUsage;
  disputes: Disputes;
  email_links: EmailLinks;
  embedding_cache: EmbeddingCache;
  galleries: Galleries;
  gallery_photos: GalleryPhotos;
  invitations: Invitations;
  invoice_counters: InvoiceCounters;
  invoices: Invoices;
  job_schedules: JobSchedules;
  jobs: Jobs;
  ledger_accounts: LedgerAccounts;
  ledger_entries: LedgerEntries;
  ledger_postings: LedgerPostings;
  mail_outbox: MailOutbox;
  marketplace_artwork_sales: MarketplaceArtworkSales;
  marketplace_daily_checkouts: MarketplaceDailyCheckouts;
  marketplace_daily_sales: MarketplaceDailySales;
  marketplace_dispute_recoveries: MarketplaceDisputeRecoveries;
  marketplace_monthly_sales: MarketplaceMonthlySales;
  marketplace_payouts: MarketplacePayouts;
  marketplace_refunds: MarketplaceRefunds;
  marketplace_sales: MarketplaceSales;
  marketplace_settings: MarketplaceSettings;
  memberships: Memberships;
  order_events: OrderEvents;
  order_items: OrderItems;
  orders: Orders;
  password_resets: PasswordResets;
  price_sheet_products: PriceSheetProducts;
  price_sheets: PriceSheets;
  print_fulfilment_events: PrintFulfilmentEvents;
  print_fulfilments: PrintFulfilments;
  print_option_groups: PrintOptionGroups;
  print_option_values: PrintOptionValues;
  print_products: PrintProducts;
  provider_customers: ProviderCustomers;
  rate_limits: RateLimits;
  refunds: Refunds;
  schema_migrations: SchemaMigrations;
  sessions: Sessions;
  shop_cart_items: ShopCartItems;
  shop_carts: ShopCarts;
  shop_coupons: ShopCoupons;
  shop_stripe_tax_rates: ShopStripeTaxRates;
  stripe_events: StripeEvents;
  studio_clients: StudioClients;
  studio_settings: StudioSettings;
  unconfirmed_users: UnconfirmedUsers;
  users: Users;
}
