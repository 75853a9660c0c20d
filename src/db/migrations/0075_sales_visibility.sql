-- Who may read an account's sales (orders, their items, history, refunds, invoices with buyer details):
-- any member of a studio or artist account, but only admins and owners of a provider, whose plain members
-- log time and see nothing else (docs/credits.md). One function so the API and RLS apply the same rule.
create or replace function app.can_read_sales(account uuid) returns boolean
language sql stable security definer set search_path = public, pg_temp as $$
  select app.is_member(account, case when a.kind = 'provider' then 'admin' else 'member' end)
  from accounts a where a.id = account
$$;
grant execute on function app.can_read_sales(uuid) to anon, authenticated, service_role;

drop policy orders_select on orders;
create policy orders_select on orders for select to authenticated
  using (app.can_read_sales(account_id) or buyer_user_id = app.current_user_id() or app.is_platform_admin());

drop policy order_items_select on order_items;
create policy order_items_select on order_items for select to authenticated
  using (
    app.can_read_sales(account_id) or app.is_platform_admin()
    or exists (select 1 from orders o where o.id = order_id and o.buyer_user_id = app.current_user_id())
  );

drop policy order_events_select on order_events;
create policy order_events_select on order_events for select to authenticated
  using (
    app.can_read_sales(account_id) or app.is_platform_admin()
    or exists (select 1 from orders o where o.id = order_id and o.buyer_user_id = app.current_user_id())
  );

drop policy refunds_select on refunds;
create policy refunds_select on refunds for select to authenticated
  using (
    app.can_read_sales(account_id) or app.is_platform_admin()
    or exists (select 1 from orders o where o.id = order_id and o.buyer_user_id = app.current_user_id())
  );

drop policy invoices_select on invoices;
create policy invoices_select on invoices for select to authenticated
  using (
    app.can_read_sales(account_id) or app.is_platform_admin()
    or exists (select 1 from orders o where o.id = order_id and o.buyer_user_id = app.current_user_id())
  );
