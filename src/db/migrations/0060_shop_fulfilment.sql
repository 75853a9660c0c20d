-- Print fulfilment: one row per paid print order, moved paid → in_production → shipped → delivered by the studio
-- (or a lab adapter), with its carrier and tracking. The money state stays on orders; this is the physical state.

create table print_fulfilments (
  order_id uuid primary key references orders (id) on delete cascade,
  account_id uuid not null references accounts (id) on delete cascade,
  gallery_id uuid references galleries (id) on delete set null,
  status text not null default 'paid'
    check (status in ('paid', 'in_production', 'shipped', 'delivered', 'cancelled')),
  -- Which lab adapter handles the order; 'studio' means the studio fulfils it by hand.
  lab text not null default 'studio' check (length(lab) between 1 and 40),
  lab_reference text check (lab_reference is null or length(lab_reference) <= 200),
  carrier text check (carrier is null or length(carrier) <= 100),
  tracking_number text check (tracking_number is null or length(tracking_number) <= 100),
  tracking_url text check (tracking_url is null or length(tracking_url) <= 500),
  shipping_address jsonb,
  buyer_name text,
  in_production_at timestamptz,
  shipped_at timestamptz,
  delivered_at timestamptz,
  cancelled_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index print_fulfilments_account_idx on print_fulfilments (account_id, status, created_at desc);

-- Append-only history of fulfilment moves, for the order timeline and the audit trail.
create table print_fulfilment_events (
  id bigint generated always as identity primary key,
  order_id uuid not null references print_fulfilments (order_id) on delete cascade,
  account_id uuid not null references accounts (id) on delete cascade,
  from_status text,
  to_status text not null,
  actor_user_id uuid references users (id) on delete set null,
  note text check (note is null or length(note) <= 2000),
  created_at timestamptz not null default now()
);
create index print_fulfilment_events_order_idx on print_fulfilment_events (order_id, id);

alter table print_fulfilments enable row level security;
alter table print_fulfilment_events enable row level security;
create policy print_fulfilments_select on print_fulfilments for select to authenticated
  using (app.is_member(account_id) or app.is_platform_admin());
create policy print_fulfilment_events_select on print_fulfilment_events for select to authenticated
  using (app.is_member(account_id) or app.is_platform_admin());
-- Moves go through the service (it checks the order's money state and sends the emails).
revoke all on print_fulfilments, print_fulfilment_events from anon;
revoke insert, update, delete on print_fulfilments, print_fulfilment_events from authenticated;
grant select on print_fulfilments, print_fulfilment_events to authenticated;
grant select, insert, update, delete on print_fulfilments, print_fulfilment_events to service_role;
