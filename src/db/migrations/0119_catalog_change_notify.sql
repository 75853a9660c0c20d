-- Public catalog reads are kept in memory on the embedded database (decision 033, src/http/public-cache.ts) until a
-- write to a table they read commits: each such write notifies `gallerist_catalog` once per statement. A test
-- (src/http/public-cache.test.ts) reads every cached route with the SQL logged and fails if it reads a table that is
-- not in this list, so a new table a public read depends on can't be forgotten. On Postgres nothing listens and a
-- notification costs one queue entry at commit.
create or replace function app.notify_catalog_changed() returns trigger language plpgsql as $$
begin
  perform pg_notify('gallerist_catalog', tg_table_name);
  return null;
end $$;

do $$
declare
  t text;
begin
  foreach t in array array[
    'accounts', 'artist_profiles', 'artwork_features', 'artwork_images', 'artworks', 'galleries', 'gallery_photos',
    'marketplace_settings', 'price_sheet_products', 'price_sheets', 'print_option_groups', 'print_option_values',
    'print_products', 'studio_settings'
  ] loop
    execute format('drop trigger if exists %I on %I', t || '_catalog_changed', t);
    execute format(
      'create trigger %I after insert or update or delete or truncate on %I for each statement '
      'execute function app.notify_catalog_changed()', t || '_catalog_changed', t);
  end loop;
end $$;
