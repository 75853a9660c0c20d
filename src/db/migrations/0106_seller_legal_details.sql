-- Seller legal details for invoices (issue 14): the tax id (VAT number, EIN, …) and the billing address every kind of
-- account can keep, frozen into each invoice's seller block at issue time. A studio without a billing address still
-- shows its return address (0040). Members read them with the account (accounts_select); only admins and owners
-- write them (accounts_update, 0098), and the API checks the role too.
-- Idempotent: `add column if not exists`, constraints dropped before they are added, grants repeat harmlessly.

alter table accounts add column if not exists tax_id text;
alter table accounts add column if not exists billing_address jsonb;

-- Uppercase letters, digits and single separators (space . - /), 2-30 characters: DE123456789, GB 123 4567 89, 12-3456789.
alter table accounts drop constraint if exists accounts_tax_id_check;
alter table accounts add constraint accounts_tax_id_check
  check (tax_id is null or (length(tax_id) between 2 and 30 and tax_id ~ '^[A-Z0-9]+([ ./-][A-Z0-9]+)*$'));

-- Our camelCase address keys (name, line1, line2, postalCode, city, state, country); the API validates each field.
alter table accounts drop constraint if exists accounts_billing_address_check;
alter table accounts add constraint accounts_billing_address_check
  check (billing_address is null or (jsonb_typeof(billing_address) = 'object' and length(billing_address::text) <= 2000));

-- Restate the write rule (0098) with its explicit check, so an admin can't move a row out of their accounts.
drop policy if exists accounts_update on accounts;
create policy accounts_update on accounts for update to authenticated
  using (id = any ((select app.member_account_ids('admin'))::uuid[]) or (select app.is_platform_admin()))
  with check (id = any ((select app.member_account_ids('admin'))::uuid[]) or (select app.is_platform_admin()));

-- anon keeps its column grants from 0090 (id, slug, name, kind, suspended_at): legal details are not public.
