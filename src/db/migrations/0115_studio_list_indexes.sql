-- A studio's galleries newest first and its clients by name, a keyset page at a time (issue 17): the id joins each
-- key so a cursor is one index condition and the page needs no sort. The galleries index replaces 0040's.
create index if not exists galleries_account_keyset_idx on galleries (account_id, created_at desc, id desc);
drop index if exists galleries_account_idx;
create index if not exists studio_clients_account_name_keyset_idx on studio_clients (account_id, name, id);
