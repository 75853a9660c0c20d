-- The public catalog newest first (optionally by medium) and the moderation queue least recently changed first, a
-- keyset page at a time (issue 17): the id joins each key so a cursor is one index condition and the page needs no
-- sort. The catalog indexes replace 0020's and 0097's, which they cover.
create index if not exists artworks_public_keyset_idx on artworks (status, published_at desc, id desc);
create index if not exists artworks_medium_keyset_idx on artworks (status, medium, published_at desc, id desc);
create index if not exists artworks_moderation_keyset_idx on artworks (status, updated_at, id);
drop index if exists artworks_public_idx;
drop index if exists artworks_medium_idx;
