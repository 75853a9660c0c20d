-- The platform admin's user and account directories newest first, a keyset page at a time (issue 17): without
-- these every page sorted the whole table. Searches still narrow by the pg_trgm indexes of 0109 first.
create index if not exists users_created_keyset_idx on users (created_at desc, id desc);
create index if not exists accounts_created_keyset_idx on accounts (created_at desc, id desc);
