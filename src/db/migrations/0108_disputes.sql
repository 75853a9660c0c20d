-- Stripe disputes (issue 16): one row per Stripe dispute on a charge of one of our orders, mirrored from the
-- `charge.dispute.*` events. `last_event_created` and `last_event_rank` (how far along the dispute's life the event's
-- status is) order the events, so a duplicate or an older delivery never overwrites newer state.
-- Readers: the seller's members who may read its sales (a provider's admins), platform admins; only the service
-- role writes. Idempotent: `if not exists`, policies dropped before they are created, grants repeat harmlessly.

create table if not exists disputes (
  id uuid primary key default gen_random_uuid(),
  stripe_dispute_id text not null unique,
  order_id uuid not null references orders (id) on delete cascade,
  account_id uuid not null references accounts (id),
  stripe_charge_id text not null,
  stripe_payment_intent_id text,
  amount bigint not null check (amount >= 0),
  currency char(3) not null check (currency ~ '^[a-z]{3}$'),
  reason text not null,
  status text not null check (
    status in ('warning_needs_response', 'warning_under_review', 'warning_closed', 'needs_response', 'under_review',
      'won', 'lost', 'prevented')
  ),
  evidence_due_by timestamptz,
  is_charge_refundable boolean not null default false,
  -- A destination charge (marketplace): the platform, not the seller's Stripe account, bears the loss.
  platform_liable boolean not null default false,
  stripe_created_at timestamptz not null,
  last_event_created timestamptz not null,
  last_event_rank smallint not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index if not exists disputes_order_idx on disputes (order_id);
create index if not exists disputes_account_idx on disputes (account_id, stripe_created_at desc);
create index if not exists disputes_created_idx on disputes (stripe_created_at desc, id desc);

-- Dispute events that came before the payment was recorded wait in the inbox as ignored; the payment looks them up
-- by PaymentIntent (src/commerce/disputes-adopt.ts).
create index if not exists stripe_events_dispute_intent_idx
  on stripe_events (((payload -> 'data' -> 'object' ->> 'payment_intent')))
  where type like 'charge.dispute.%';

alter table disputes enable row level security;

drop policy if exists disputes_select on disputes;
create policy disputes_select on disputes for select to authenticated
  using (account_id = any ((select app.sales_account_ids())::uuid[]) or (select app.is_platform_admin()));

grant select, insert, update, delete on disputes to service_role;
revoke all on disputes from anon;
revoke insert, update, delete on disputes from authenticated;
grant select on disputes to authenticated;
