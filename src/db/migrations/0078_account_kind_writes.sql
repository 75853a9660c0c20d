-- Each offering writes only on its own kind of tenant: shop rows on studios, artworks on artists, bundles on
-- providers. The API checks the kind first (404); these policies refuse the same writes from any direct client
-- (Supabase), so an artist's owner cannot give their artist account a print shop. Reads are unchanged.

-- Security invoker: under RLS a user sees the kind of their own accounts only, which is all a write policy needs.
create or replace function app.account_kind(account uuid) returns text
language sql stable set search_path = public, pg_temp as $$
  select a.kind from accounts a where a.id = account
$$;
grant execute on function app.account_kind(uuid) to authenticated, service_role;

drop policy studio_settings_write on studio_settings;
create policy studio_settings_write on studio_settings for all to authenticated
  using (app.is_member(account_id, 'admin'))
  with check (app.is_member(account_id, 'admin') and app.account_kind(account_id) = 'studio');

do $$
declare t text;
begin
  foreach t in array array['studio_clients', 'print_products', 'print_option_groups', 'print_option_values',
    'price_sheets', 'price_sheet_products', 'galleries', 'gallery_photos', 'shop_coupons']
  loop
    execute format('drop policy %I on %I', t || '_write', t);
    execute format('create policy %I on %I for all to authenticated using (app.is_member(account_id)) '
      'with check (app.is_member(account_id) and app.account_kind(account_id) = %L)', t || '_write', t, 'studio');
  end loop;
end $$;

drop policy artworks_member_insert on artworks;
create policy artworks_member_insert on artworks for insert to authenticated
  with check (app.is_member(account_id) and status = 'draft' and app.account_kind(account_id) = 'artist');
drop policy artworks_member_update on artworks;
create policy artworks_member_update on artworks for update to authenticated
  using (app.is_member(account_id))
  with check (app.is_member(account_id) and status in ('draft', 'submitted') and app.account_kind(account_id) = 'artist');

drop policy artwork_images_write on artwork_images;
create policy artwork_images_write on artwork_images for all to authenticated
  using (app.is_member(account_id))
  with check (app.is_member(account_id) and app.account_kind(account_id) = 'artist');

drop policy credit_bundles_write on credit_bundles;
create policy credit_bundles_write on credit_bundles for all to authenticated
  using (app.is_member(account_id, 'admin'))
  with check (app.is_member(account_id, 'admin') and app.account_kind(account_id) = 'provider');
