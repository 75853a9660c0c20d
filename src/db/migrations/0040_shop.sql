-- Print shop (Pixieset/ShootProof style): studio settings, clients, private galleries with photos, a print
-- catalog with option groups, price sheets, coupons and visitor carts. Studio members manage everything of
-- their account through RLS; gallery visitors never get a database identity: the server checks the gallery
-- token (and PIN cookie) and reads as service_role, so anon has no policies here.

create table studio_settings (
  account_id uuid primary key references accounts (id) on delete cascade,
  currency char(3) not null default 'EUR' check (currency ~ '^[A-Z]{3}$'),
  tax_rate_bps integer not null default 0 check (tax_rate_bps between 0 and 10000),
  tax_inclusive boolean not null default true,
  shipping_rates jsonb not null default '[]' check (jsonb_typeof(shipping_rates) = 'array'),
  return_address jsonb,
  logo_key text,
  accent_color text check (accent_color ~ '^#[0-9a-f]{6}$'),
  updated_at timestamptz not null default now()
);

create table studio_clients (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  name text not null check (length(name) between 1 and 100),
  email text not null check (length(email) between 3 and 254),
  notes text not null default '' check (length(notes) <= 2000),
  created_at timestamptz not null default now()
);
create unique index studio_clients_email_key on studio_clients (account_id, lower(email));

create table print_products (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  sku text not null check (length(sku) between 1 and 64),
  name text not null check (length(name) between 1 and 100),
  description text not null default '' check (length(description) <= 2000),
  base_price bigint not null check (base_price > 0),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  unique (account_id, sku)
);

create table print_option_groups (
  id uuid primary key default gen_random_uuid(),
  product_id uuid not null references print_products (id) on delete cascade,
  account_id uuid not null references accounts (id) on delete cascade,
  name text not null check (length(name) between 1 and 60),
  position integer not null default 0
);
create index print_option_groups_product_idx on print_option_groups (product_id);

create table print_option_values (
  id uuid primary key default gen_random_uuid(),
  group_id uuid not null references print_option_groups (id) on delete cascade,
  account_id uuid not null references accounts (id) on delete cascade,
  label text not null check (length(label) between 1 and 60),
  price_adjustment bigint not null default 0,
  min_width_px integer check (min_width_px > 0),
  min_height_px integer check (min_height_px > 0),
  aspect_ratio text check (aspect_ratio ~ '^[1-9][0-9]{0,2}:[1-9][0-9]{0,2}$'),
  position integer not null default 0
);
create index print_option_values_group_idx on print_option_values (group_id);

create table price_sheets (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  name text not null check (length(name) between 1 and 100),
  is_default boolean not null default false,
  created_at timestamptz not null default now()
);
create unique index price_sheets_default_key on price_sheets (account_id) where is_default;

create table price_sheet_products (
  sheet_id uuid not null references price_sheets (id) on delete cascade,
  product_id uuid not null references print_products (id) on delete cascade,
  account_id uuid not null references accounts (id) on delete cascade,
  primary key (sheet_id, product_id)
);

create table galleries (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  title text not null check (length(title) between 1 and 200),
  client_id uuid references studio_clients (id) on delete set null,
  event_date date,
  -- Soft reference (photos reference galleries); deleting the photo clears it in code.
  cover_photo_id uuid,
  token text not null unique check (token ~ '^[A-Za-z0-9_-]{22,64}$'),
  pin_hash text,
  expires_at timestamptz,
  store_enabled boolean not null default true,
  watermark boolean not null default false,
  price_sheet_id uuid references price_sheets (id) on delete set null,
  status text not null default 'draft' check (status in ('draft', 'published', 'archived')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index galleries_account_idx on galleries (account_id, created_at);

create table gallery_photos (
  id uuid primary key default gen_random_uuid(),
  gallery_id uuid not null references galleries (id) on delete cascade,
  account_id uuid not null references accounts (id) on delete cascade,
  original_key text not null,
  web_key text not null,
  thumb_key text not null,
  content_type text not null,
  width integer not null check (width > 0),
  height integer not null check (height > 0),
  position integer not null default 0,
  filename text not null check (length(filename) between 1 and 255),
  bytes bigint not null check (bytes > 0),
  created_at timestamptz not null default now()
);
create index gallery_photos_gallery_idx on gallery_photos (gallery_id, position);

create table shop_coupons (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  code text not null check (code ~ '^[A-Za-z0-9_-]{2,40}$'),
  kind text not null check (kind in ('percent', 'fixed', 'free_shipping')),
  value bigint not null default 0 check (value >= 0 and (kind <> 'percent' or value between 1 and 100)),
  min_order_amount bigint not null default 0 check (min_order_amount >= 0),
  max_redemptions integer check (max_redemptions > 0),
  redemptions integer not null default 0 check (redemptions >= 0),
  starts_at timestamptz,
  ends_at timestamptz,
  active boolean not null default true,
  created_at timestamptz not null default now()
);
create unique index shop_coupons_code_key on shop_coupons (account_id, lower(code));

create table shop_carts (
  id uuid primary key default gen_random_uuid(),
  gallery_id uuid not null references galleries (id) on delete cascade,
  account_id uuid not null references accounts (id) on delete cascade,
  visitor_id text not null check (length(visitor_id) between 16 and 64),
  coupon_id uuid references shop_coupons (id) on delete set null,
  shipping_rate_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (gallery_id, visitor_id)
);

create table shop_cart_items (
  id uuid primary key default gen_random_uuid(),
  cart_id uuid not null references shop_carts (id) on delete cascade,
  account_id uuid not null references accounts (id) on delete cascade,
  photo_id uuid not null references gallery_photos (id) on delete cascade,
  product_id uuid not null references print_products (id) on delete cascade,
  option_value_ids jsonb not null default '[]' check (jsonb_typeof(option_value_ids) = 'array'),
  quantity integer not null check (quantity between 1 and 100),
  crop jsonb,
  created_at timestamptz not null default now()
);
create index shop_cart_items_cart_idx on shop_cart_items (cart_id);

alter table studio_settings enable row level security;
alter table studio_clients enable row level security;
alter table print_products enable row level security;
alter table print_option_groups enable row level security;
alter table print_option_values enable row level security;
alter table price_sheets enable row level security;
alter table price_sheet_products enable row level security;
alter table galleries enable row level security;
alter table gallery_photos enable row level security;
alter table shop_coupons enable row level security;
alter table shop_carts enable row level security;
alter table shop_cart_items enable row level security;

-- Settings: members read (pricing needs them), admins change.
create policy studio_settings_select on studio_settings for select to authenticated
  using (app.is_member(account_id) or app.is_platform_admin());
create policy studio_settings_write on studio_settings for all to authenticated
  using (app.is_member(account_id, 'admin')) with check (app.is_member(account_id, 'admin'));

-- Everything else a studio works on day to day: any member reads and writes its own account's rows.
do $$
declare t text;
begin
  foreach t in array array['studio_clients', 'print_products', 'print_option_groups', 'print_option_values',
    'price_sheets', 'price_sheet_products', 'galleries', 'gallery_photos', 'shop_coupons']
  loop
    execute format('create policy %I on %I for select to authenticated using (app.is_member(account_id) or app.is_platform_admin())', t || '_select', t);
    execute format('create policy %I on %I for all to authenticated using (app.is_member(account_id)) with check (app.is_member(account_id))', t || '_write', t);
  end loop;
end $$;

-- Carts belong to gallery visitors (written by the server as service_role); studios only look at them.
create policy shop_carts_select on shop_carts for select to authenticated
  using (app.is_member(account_id) or app.is_platform_admin());
create policy shop_cart_items_select on shop_cart_items for select to authenticated
  using (app.is_member(account_id) or app.is_platform_admin());
revoke insert, update, delete on shop_carts, shop_cart_items from authenticated;
