-- An artist's payouts newest first, a keyset page at a time (issue 17): the id joins the key so a cursor
-- `(created_at, id) < (…)` is one index condition and the page needs no sort. Replaces 0050's, which it covers.
create index if not exists marketplace_payouts_account_keyset_idx on marketplace_payouts (account_id, created_at desc, id desc);
drop index if exists marketplace_payouts_account_idx;
