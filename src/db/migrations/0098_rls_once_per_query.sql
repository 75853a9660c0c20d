-- RLS that costs nothing per row (issue 17). The helpers behind the policies are security definer (so they read
-- memberships without recursing into its own policy) and therefore never inlined: written as `app.is_member(account_id)`
-- they ran once per row, which made a seller's order count at 1M rows cost 2 s. Same rules as before, in the shape
-- Supabase recommends:
--   * a helper whose arguments do not depend on the row is a scalar subquery, `(select app.is_platform_admin())`,
--     planned as an InitPlan that runs once per query;
--   * "member of the row's account" is `account_id = any ((select app.member_account_ids('member'))::uuid[])`: the
--     caller's accounts are read once, each row only compares a uuid with a short array (and the index can use it).
--     The cast is needed: without it `any ((select …))` parses as `any (subquery)` and compares uuid with uuid[].
-- The helpers keep the exact rules of app.is_member / app.can_read_sales (a suspended user gets no accounts; a
-- provider's sales need admin). app.is_member and friends stay for the API's own checks.
-- Idempotent: `create or replace` and `drop policy if exists` before each `create policy`.

-- The caller's accounts where their role is at least min_role; empty for anon, unknown or suspended users.
create or replace function app.member_account_ids(min_role text default 'member') returns uuid[]
language sql stable security definer set search_path = public, pg_temp as $$
  select coalesce(array_agg(m.account_id), '{}'::uuid[])
  from memberships m
  join users u on u.id = m.user_id and u.suspended_at is null
  where m.user_id = app.current_user_id()
    and app.role_rank(m.role) >= app.role_rank(min_role)
$$;

-- The accounts whose sales the caller reads: app.can_read_sales as a set (members; only admins of a provider).
create or replace function app.sales_account_ids() returns uuid[]
language sql stable security definer set search_path = public, pg_temp as $$
  select coalesce(array_agg(m.account_id), '{}'::uuid[])
  from memberships m
  join users u on u.id = m.user_id and u.suspended_at is null
  join accounts a on a.id = m.account_id
  where m.user_id = app.current_user_id()
    and app.role_rank(m.role) >= app.role_rank(case when a.kind = 'provider' then 'admin' else 'member' end)
$$;

revoke execute on function app.member_account_ids(text), app.sales_account_ids() from public;
grant execute on function app.member_account_ids(text), app.sales_account_ids() to anon, authenticated, service_role;

-- Foundation (0001).
drop policy if exists users_select on users;
create policy users_select on users for select to authenticated
  using (id = (select app.current_user_id()) or app.shares_account(id) or (select app.is_platform_admin()));
drop policy if exists users_update on users;
create policy users_update on users for update to authenticated
  using (id = (select app.current_user_id()) or (select app.is_platform_admin()));

drop policy if exists accounts_select on accounts;
create policy accounts_select on accounts for select to authenticated
  using (id = any ((select app.member_account_ids('member'))::uuid[]) or (select app.is_platform_admin()));
drop policy if exists accounts_update on accounts;
create policy accounts_update on accounts for update to authenticated
  using (id = any ((select app.member_account_ids('admin'))::uuid[]) or (select app.is_platform_admin()));

drop policy if exists memberships_select on memberships;
create policy memberships_select on memberships for select to authenticated
  using (account_id = any ((select app.member_account_ids('member'))::uuid[]) or (select app.is_platform_admin()));
drop policy if exists memberships_write on memberships;
create policy memberships_write on memberships for all to authenticated
  using (account_id = any ((select app.member_account_ids('admin'))::uuid[]))
  with check (account_id = any ((select app.member_account_ids('admin'))::uuid[]));

drop policy if exists invitations_select on invitations;
create policy invitations_select on invitations for select to authenticated
  using (account_id = any ((select app.member_account_ids('admin'))::uuid[]) or (select app.is_platform_admin()));
drop policy if exists invitations_write on invitations;
create policy invitations_write on invitations for all to authenticated
  using (account_id = any ((select app.member_account_ids('admin'))::uuid[]))
  with check (account_id = any ((select app.member_account_ids('admin'))::uuid[]));

-- Platform (0002).
drop policy if exists audit_select on audit_events;
create policy audit_select on audit_events for select to authenticated
  using ((account_id is not null and account_id = any ((select app.member_account_ids('admin'))::uuid[]))
    or (select app.is_platform_admin()));

-- Commerce (0075): sellers' members (a provider's admins), the buyer, platform admins.
drop policy if exists orders_select on orders;
create policy orders_select on orders for select to authenticated
  using (account_id = any ((select app.sales_account_ids())::uuid[]) or buyer_user_id = (select app.current_user_id())
    or (select app.is_platform_admin()));

do $$
declare t text;
begin
  foreach t in array array['order_items', 'order_events', 'refunds', 'invoices'] loop
    execute format('drop policy if exists %I on %I', t || '_select', t);
    execute format('create policy %I on %I for select to authenticated using ('
      'account_id = any ((select app.sales_account_ids())::uuid[]) or (select app.is_platform_admin()) '
      'or exists (select 1 from orders o where o.id = %I.order_id and o.buyer_user_id = (select app.current_user_id())))',
      t || '_select', t, t);
  end loop;
end $$;

-- Marketplace (0020, 0078).
drop policy if exists artist_applications_select on artist_applications;
create policy artist_applications_select on artist_applications for select to authenticated
  using (user_id = (select app.current_user_id()) or (select app.is_platform_admin()));
drop policy if exists artist_applications_insert on artist_applications;
create policy artist_applications_insert on artist_applications for insert to authenticated
  with check (user_id = (select app.current_user_id()) and status = 'draft' and reviewed_by is null
    and artist_account_id is null);
drop policy if exists artist_applications_update on artist_applications;
create policy artist_applications_update on artist_applications for update to authenticated
  using (user_id = (select app.current_user_id()) and status = 'draft')
  with check (user_id = (select app.current_user_id()) and status in ('draft', 'pending') and reviewed_by is null
    and artist_account_id is null);

drop policy if exists artworks_member_select on artworks;
create policy artworks_member_select on artworks for select to authenticated
  using (account_id = any ((select app.member_account_ids('member'))::uuid[]) or (select app.is_platform_admin()));
drop policy if exists artworks_member_insert on artworks;
create policy artworks_member_insert on artworks for insert to authenticated
  with check (account_id = any ((select app.member_account_ids('member'))::uuid[]) and status = 'draft'
    and app.account_kind(account_id) = 'artist');
drop policy if exists artworks_member_update on artworks;
create policy artworks_member_update on artworks for update to authenticated
  using (account_id = any ((select app.member_account_ids('member'))::uuid[]))
  with check (account_id = any ((select app.member_account_ids('member'))::uuid[]) and status in ('draft', 'submitted')
    and app.account_kind(account_id) = 'artist');
drop policy if exists artworks_member_delete on artworks;
create policy artworks_member_delete on artworks for delete to authenticated
  using (account_id = any ((select app.member_account_ids('member'))::uuid[]) and status in ('draft', 'rejected'));

drop policy if exists artwork_images_write on artwork_images;
create policy artwork_images_write on artwork_images for all to authenticated
  using (account_id = any ((select app.member_account_ids('member'))::uuid[]))
  with check (account_id = any ((select app.member_account_ids('member'))::uuid[]) and app.account_kind(account_id) = 'artist');

-- Credits (0030, 0078): an org's members, the provider's admins.
drop policy if exists credit_bundles_select on credit_bundles;
create policy credit_bundles_select on credit_bundles for select to authenticated
  using (active or account_id = any ((select app.member_account_ids('admin'))::uuid[]));
drop policy if exists credit_bundles_write on credit_bundles;
create policy credit_bundles_write on credit_bundles for all to authenticated
  using (account_id = any ((select app.member_account_ids('admin'))::uuid[]))
  with check (account_id = any ((select app.member_account_ids('admin'))::uuid[]) and app.account_kind(account_id) = 'provider');

do $$
declare t text;
begin
  foreach t in array array['provider_customers', 'credit_lots', 'credit_usage'] loop
    execute format('drop policy if exists %I on %I', t || '_select', t);
    execute format('create policy %I on %I for select to authenticated using ('
      'organization_account_id = any ((select app.member_account_ids(''member''))::uuid[]) '
      'or provider_account_id = any ((select app.member_account_ids(''admin''))::uuid[]))', t || '_select', t);
  end loop;
end $$;

drop policy if exists ledger_accounts_select on ledger_accounts;
create policy ledger_accounts_select on ledger_accounts for select to authenticated
  using (case when organization_account_id is null
    then provider_account_id = any ((select app.member_account_ids('admin'))::uuid[])
    else organization_account_id = any ((select app.member_account_ids('member'))::uuid[])
      or provider_account_id = any ((select app.member_account_ids('admin'))::uuid[])
  end);

-- Studio settings (0040, 0078): members read, admins write.
drop policy if exists studio_settings_select on studio_settings;
create policy studio_settings_select on studio_settings for select to authenticated
  using (account_id = any ((select app.member_account_ids('member'))::uuid[]) or (select app.is_platform_admin()));
drop policy if exists studio_settings_write on studio_settings;
create policy studio_settings_write on studio_settings for all to authenticated
  using (account_id = any ((select app.member_account_ids('admin'))::uuid[]))
  with check (account_id = any ((select app.member_account_ids('admin'))::uuid[]) and app.account_kind(account_id) = 'studio');

-- Tables every member reads (platform admins too); the studio's and the artist's write policies where they have one.
do $$
declare t text;
begin
  foreach t in array array['artist_profiles', 'artwork_images', 'studio_clients', 'print_products',
    'print_option_groups', 'print_option_values', 'price_sheets', 'price_sheet_products', 'galleries',
    'gallery_photos', 'shop_coupons', 'shop_carts', 'shop_cart_items', 'marketplace_payouts', 'marketplace_sales',
    'marketplace_refunds', 'print_fulfilments', 'print_fulfilment_events'] loop
    execute format('drop policy if exists %I on %I', t || '_select', t);
    execute format('create policy %I on %I for select to authenticated using ('
      'account_id = any ((select app.member_account_ids(''member''))::uuid[]) or (select app.is_platform_admin()))',
      t || '_select', t);
  end loop;
  foreach t in array array['studio_clients', 'print_products', 'print_option_groups', 'print_option_values',
    'price_sheets', 'price_sheet_products', 'galleries', 'gallery_photos', 'shop_coupons'] loop
    execute format('drop policy if exists %I on %I', t || '_write', t);
    execute format('create policy %I on %I for all to authenticated '
      'using (account_id = any ((select app.member_account_ids(''member''))::uuid[])) '
      'with check (account_id = any ((select app.member_account_ids(''member''))::uuid[]) and app.account_kind(account_id) = %L)',
      t || '_write', t, 'studio');
  end loop;
end $$;

-- API keys (0095): admins.
drop policy if exists api_keys_select on api_keys;
create policy api_keys_select on api_keys for select to authenticated
  using (account_id = any ((select app.member_account_ids('admin'))::uuid[]));

-- Anon (0090): the claimed gallery is looked up once per query; a public artist stays a per-row check of the row's
-- own account (an index lookup), as the set of all public artists can be large.
drop policy if exists accounts_anon_select on accounts;
create policy accounts_anon_select on accounts for select to anon
  using (app.is_public_artist(id) or id = (select app.link_gallery_account()));
drop policy if exists galleries_anon_select on galleries;
create policy galleries_anon_select on galleries for select to anon
  using (status = 'published' and token = (select app.claim('gallery_token')));
drop policy if exists gallery_photos_anon_select on gallery_photos;
create policy gallery_photos_anon_select on gallery_photos for select to anon
  using (gallery_id = (select app.open_gallery()));
drop policy if exists studio_settings_anon_select on studio_settings;
create policy studio_settings_anon_select on studio_settings for select to anon
  using (account_id = (select app.link_gallery_account()));
