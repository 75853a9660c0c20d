-- Public pages read as role anon (decision 002): RLS is the second line of defence behind the API's filters.
-- Marketplace: published/reserved/sold works of non-suspended artists. Guest galleries: the server puts the link
-- token (claim gallery_token) and, after checking the signed PIN cookie, the unlocked gallery id (claim
-- gallery_unlocked) into request.jwt.claims; only that gallery's rows are visible. Columns are granted one by one.

create or replace function app.claim(key text) returns text language sql stable as $$
  select nullif(app.claims() ->> key, '')
$$;

-- Security definer: the policies below must not depend on the caller's grants (pin_hash is never granted to anon).
create or replace function app.is_public_artist(account uuid) returns boolean
language sql stable security definer set search_path = public, pg_temp as $$
  select exists (select 1 from accounts a where a.id = account and a.kind = 'artist' and a.suspended_at is null)
$$;

-- The published gallery behind the claimed link token, locked or not (its studio's name and branding show on the PIN page).
create or replace function app.link_gallery_account() returns uuid
language sql stable security definer set search_path = public, pg_temp as $$
  select g.account_id from galleries g where g.token = app.claim('gallery_token') and g.status = 'published'
$$;

-- Whether that gallery has a PIN; the hash itself stays server-side.
create or replace function app.link_gallery_has_pin() returns boolean
language sql stable security definer set search_path = public, pg_temp as $$
  select g.pin_hash is not null from galleries g where g.token = app.claim('gallery_token') and g.status = 'published'
$$;

-- The same gallery once open: no PIN, or the server verified the unlock cookie for exactly this gallery.
create or replace function app.open_gallery() returns uuid
language sql stable security definer set search_path = public, pg_temp as $$
  select g.id from galleries g
  where g.token = app.claim('gallery_token') and g.status = 'published'
    and (g.pin_hash is null or g.id::text = app.claim('gallery_unlocked'))
$$;

-- The open gallery's store: its account and price sheet (the studio default when it names none; null: no sheet at all).
create or replace function app.open_gallery_store() returns table (account_id uuid, sheet_id uuid)
language sql stable security definer set search_path = public, pg_temp as $$
  select g.account_id, coalesce(g.price_sheet_id,
    (select s.id from price_sheets s where s.account_id = g.account_id and s.is_default))
  from galleries g where g.id = app.open_gallery() and g.store_enabled
$$;

revoke execute on function app.claim(text), app.is_public_artist(uuid), app.link_gallery_account(),
  app.link_gallery_has_pin(), app.open_gallery(), app.open_gallery_store() from public;
grant execute on function app.claim(text), app.is_public_artist(uuid), app.link_gallery_account(),
  app.link_gallery_has_pin(), app.open_gallery(), app.open_gallery_store() to anon, authenticated, service_role;

-- Marketplace.
create policy accounts_anon_select on accounts for select to anon
  using (app.is_public_artist(id) or id = app.link_gallery_account());
create policy artist_profiles_anon_select on artist_profiles for select to anon
  using (app.is_public_artist(account_id));
create policy artworks_anon_select on artworks for select to anon
  using (status in ('published', 'reserved', 'sold') and app.is_public_artist(account_id));
-- Inherits the artworks policy through the subquery.
create policy artwork_images_anon_select on artwork_images for select to anon
  using (exists (select 1 from artworks w where w.id = artwork_id));
create policy marketplace_settings_anon_select on marketplace_settings for select to anon using (true);

-- Guest galleries.
create policy galleries_anon_select on galleries for select to anon
  using (status = 'published' and token = app.claim('gallery_token'));
create policy gallery_photos_anon_select on gallery_photos for select to anon
  using (gallery_id = app.open_gallery());
create policy studio_settings_anon_select on studio_settings for select to anon
  using (account_id = app.link_gallery_account());
create policy price_sheets_anon_select on price_sheets for select to anon
  using (id = (select s.sheet_id from app.open_gallery_store() s));
create policy price_sheet_products_anon_select on price_sheet_products for select to anon
  using (sheet_id = (select s.sheet_id from app.open_gallery_store() s));
create policy print_products_anon_select on print_products for select to anon
  using (exists (select 1 from app.open_gallery_store() s where s.account_id = print_products.account_id
    and (s.sheet_id is null or exists (select 1 from price_sheet_products sp
      where sp.sheet_id = s.sheet_id and sp.product_id = print_products.id))));
create policy print_option_groups_anon_select on print_option_groups for select to anon
  using (exists (select 1 from print_products p where p.id = product_id));
create policy print_option_values_anon_select on print_option_values for select to anon
  using (exists (select 1 from print_option_groups g where g.id = group_id));

-- Column grants: anon reads only what public pages show (no PIN hash, client, originals, Stripe or rejection data).
revoke all on accounts, artist_profiles, artworks, artwork_images, marketplace_settings, galleries, gallery_photos,
  studio_settings, price_sheets, price_sheet_products, print_products, print_option_groups, print_option_values
  from anon;
grant select (id, slug, name, kind, suspended_at) on accounts to anon;
grant select (account_id, bio, country, fee_bps) on artist_profiles to anon;
grant select (id, account_id, title, description, medium, width_mm, height_mm, depth_mm, year, price_amount,
  currency, edition_type, edition_size, status, published_at, created_at, updated_at) on artworks to anon;
grant select (id, artwork_id, account_id, storage_key, position, is_primary, width, height, created_at)
  on artwork_images to anon;
grant select (fee_bps) on marketplace_settings to anon;
grant select (id, account_id, title, event_date, cover_photo_id, token, expires_at, store_enabled, watermark,
  price_sheet_id, status) on galleries to anon;
grant select (id, gallery_id, account_id, web_key, thumb_key, content_type, width, height, position, filename,
  bytes, created_at) on gallery_photos to anon;
grant select (account_id, currency, accent_color, logo_key) on studio_settings to anon;
grant select (id, account_id, is_default) on price_sheets to anon;
grant select (sheet_id, product_id, account_id) on price_sheet_products to anon;
grant select (id, account_id, sku, name, description, base_price, active, created_at) on print_products to anon;
grant select on print_option_groups, print_option_values to anon;
