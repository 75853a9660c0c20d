-- Platform infrastructure: audit trail, mail outbox, Postgres-backed jobs.

create table audit_events (
  id uuid primary key default gen_random_uuid(),
  account_id uuid references accounts (id) on delete set null,
  actor_user_id uuid references users (id) on delete set null,
  actor text not null,
  action text not null,
  entity_type text not null,
  entity_id text,
  before jsonb,
  after jsonb,
  request_id text,
  created_at timestamptz not null default now()
);
create index audit_events_account_idx on audit_events (account_id, created_at desc);
create index audit_events_entity_idx on audit_events (entity_type, entity_id);
alter table audit_events enable row level security;
-- The owning tenant's admins and platform admins read; nobody but the server writes.
create policy audit_select on audit_events for select to authenticated
  using ((account_id is not null and app.is_member(account_id, 'admin')) or app.is_platform_admin());

create table mail_outbox (
  id uuid primary key default gen_random_uuid(),
  account_id uuid references accounts (id) on delete set null,
  to_address text not null,
  subject text not null,
  html text not null,
  text text not null,
  template text not null,
  status text not null default 'queued' check (status in ('queued', 'sent', 'failed', 'captured')),
  attempts integer not null default 0,
  last_error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
create index mail_outbox_status_idx on mail_outbox (status, created_at);
alter table mail_outbox enable row level security;

create table jobs (
  id bigint generated always as identity primary key,
  name text not null,
  payload jsonb not null default '{}',
  unique_key text,
  run_at timestamptz not null default now(),
  attempts integer not null default 0,
  max_attempts integer not null default 8,
  status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
  locked_by text,
  locked_until timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  finished_at timestamptz
);
-- At most one live job per unique key (e.g. one pending reconcile), finished ones don't block.
create unique index jobs_unique_live on jobs (unique_key) where unique_key is not null and status in ('queued', 'running');
create index jobs_due_idx on jobs (run_at) where status = 'queued';
alter table jobs enable row level security;

create table job_schedules (
  name text primary key,
  interval_seconds integer not null check (interval_seconds > 0),
  next_run_at timestamptz not null,
  last_run_at timestamptz
);
alter table job_schedules enable row level security;

grant select, insert, update, delete on audit_events, mail_outbox, jobs, job_schedules to service_role;
grant select on audit_events to authenticated;
revoke insert, update, delete on audit_events from authenticated;
revoke all on mail_outbox, jobs, job_schedules from authenticated, anon;
