-- The platform admin's marketplace transactions and refunds newest first, a keyset page at a time (issue 17): the id
-- joins each key so a cursor is one index condition and the page needs no sort (an artist's transactions already
-- have 0109's marketplace_sales_account_keyset_idx). They replace 0050's and 0097's created_at indexes.
create index if not exists marketplace_sales_created_keyset_idx on marketplace_sales (created_at desc, id desc);
create index if not exists marketplace_refunds_created_keyset_idx on marketplace_refunds (created_at desc, id desc);
create index if not exists marketplace_refunds_account_keyset_idx on marketplace_refunds (account_id, created_at desc, id desc);
drop index if exists marketplace_sales_created_idx;
drop index if exists marketplace_refunds_created_idx;
