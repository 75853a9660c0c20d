-- A patron's saved artworks newest first, a keyset page at a time (issue 17): the primary key (user_id, artwork_id)
-- finds a patron's saves but not in date order, so every page sorted all of them.
create index if not exists artwork_saves_user_keyset_idx on artwork_saves (user_id, created_at desc, artwork_id desc);
