-- Art marketplace: artist applications, artist profiles (Stripe Connect state), artworks and their images.

create table artist_applications (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  status text not null default 'draft' check (status in ('draft', 'pending', 'approved', 'rejected')),
  statement text not null default '' check (length(statement) <= 5000),
  portfolio_url text check (portfolio_url is null or (portfolio_url ~ '^https?://' and length(portfolio_url) <= 500)),
  instagram text check (instagram is null or instagram ~ '^@?[A-Za-z0-9._]{1,30}$'),
  exhibitions text not null default '' check (length(exhibitions) <= 5000),
  country char(2) check (country is null or country ~ '^[A-Z]{2}$'),
  terms_accepted_at timestamptz,
  rejection_reason text check (rejection_reason is null or length(rejection_reason) <= 2000),
  reviewed_by uuid references users (id) on delete set null,
  reviewed_at timestamptz,
  artist_account_id uuid references accounts (id) on delete set null,
  submitted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- One active application per user; a rejected applicant may start over.
create unique index artist_applications_active_key on artist_applications (user_id)
  where status in ('draft', 'pending', 'approved');
create index artist_applications_status_idx on artist_applications (status, submitted_at);

create table artist_profiles (
  account_id uuid primary key references accounts (id) on delete cascade,
  stripe_account_id text unique,
  onboarding_status text not null default 'pending'
    check (onboarding_status in ('pending', 'complete', 'restricted', 'deauthorized')),
  charges_enabled boolean not null default false,
  payouts_enabled boolean not null default false,
  details_submitted boolean not null default false,
  -- When the Stripe state we hold was true; older account.updated events never overwrite it.
  stripe_state_updated_at timestamptz,
  fee_bps integer check (fee_bps is null or fee_bps between 0 and 10000),
  bio text not null default '' check (length(bio) <= 5000),
  country char(2) not null check (country ~ '^[A-Z]{2}$'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table artworks (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references accounts (id) on delete cascade,
  title text not null check (length(title) between 1 and 200),
  description text not null default '' check (length(description) <= 5000),
  medium text not null check (medium in ('painting', 'drawing', 'photography', 'sculpture', 'print', 'mixed_media',
    'digital', 'textile', 'other')),
  width_mm integer check (width_mm is null or width_mm between 1 and 100000),
  height_mm integer check (height_mm is null or height_mm between 1 and 100000),
  depth_mm integer check (depth_mm is null or depth_mm between 1 and 100000),
  year integer check (year is null or year between 1000 and 3000),
  price_amount bigint not null check (price_amount > 0),
  currency char(3) not null check (currency ~ '^[a-z]{3}$'),
  edition_type text not null default 'original' check (edition_type in ('original', 'edition')),
  edition_size integer,
  status text not null default 'draft'
    check (status in ('draft', 'submitted', 'published', 'rejected', 'reserved', 'sold')),
  rejection_reason text check (rejection_reason is null or length(rejection_reason) <= 2000),
  published_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((edition_type = 'original' and edition_size is null) or (edition_type = 'edition' and edition_size > 1))
);
create index artworks_account_idx on artworks (account_id, created_at desc);
create index artworks_public_idx on artworks (status, published_at desc);

create table artwork_images (
  id uuid primary key default gen_random_uuid(),
  artwork_id uuid not null references artworks (id) on delete cascade,
  account_id uuid not null references accounts (id) on delete cascade,
  storage_key text not null unique,
  position integer not null default 0,
  is_primary boolean not null default false,
  width integer not null,
  height integer not null,
  created_at timestamptz not null default now()
);
create index artwork_images_artwork_idx on artwork_images (artwork_id, position);
create unique index artwork_images_primary_key on artwork_images (artwork_id) where is_primary;

alter table artist_applications enable row level security;
alter table artist_profiles enable row level security;
alter table artworks enable row level security;
alter table artwork_images enable row level security;

-- Applicants read and edit their own draft; reviews (approve/reject) happen server-side as service role.
create policy artist_applications_select on artist_applications for select to authenticated
  using (user_id = app.current_user_id() or app.is_platform_admin());
create policy artist_applications_insert on artist_applications for insert to authenticated
  with check (user_id = app.current_user_id() and status = 'draft' and reviewed_by is null
    and artist_account_id is null);
create policy artist_applications_update on artist_applications for update to authenticated
  using (user_id = app.current_user_id() and status = 'draft')
  with check (user_id = app.current_user_id() and status in ('draft', 'pending') and reviewed_by is null
    and artist_account_id is null);

create policy artist_profiles_select on artist_profiles for select to authenticated
  using (app.is_member(account_id) or app.is_platform_admin());

-- Rows are the artist's (members) and platform admins' only. The public catalog (published work) is served by
-- the API as service role with an explicit status filter, so a tenant never reads another tenant's rows directly.
create policy artworks_member_select on artworks for select to authenticated
  using (app.is_member(account_id) or app.is_platform_admin());
-- Artists never publish their own work: only moderation (service role) sets published.
create policy artworks_member_insert on artworks for insert to authenticated
  with check (app.is_member(account_id) and status = 'draft');
create policy artworks_member_update on artworks for update to authenticated
  using (app.is_member(account_id))
  with check (app.is_member(account_id) and status in ('draft', 'submitted'));
create policy artworks_member_delete on artworks for delete to authenticated
  using (app.is_member(account_id) and status in ('draft', 'rejected'));

create policy artwork_images_select on artwork_images for select to authenticated
  using (app.is_member(account_id) or app.is_platform_admin());
create policy artwork_images_write on artwork_images for all to authenticated
  using (app.is_member(account_id)) with check (app.is_member(account_id));

revoke all on artist_applications, artist_profiles from anon;
revoke insert, update, delete on artist_profiles from authenticated;
revoke all on artworks, artwork_images from anon;
grant select, insert, update, delete on artist_applications, artist_profiles, artworks, artwork_images to service_role;
