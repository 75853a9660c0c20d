-- Agentic Commerce Protocol (ACP) idempotency (RFC agentic_checkout §6): one row per (authenticated platform, request
-- path, Idempotency-Key). The first request claims the key as 'in_flight' in its own short transaction before the
-- handler runs; a 2xx/4xx response is then stored and replayed verbatim for the same key and body; a 5xx deletes the
-- claim so a retry runs fresh. Rows older than 24 h are ignored (a reused key is new) and pruned daily.
-- Protocol bookkeeping written and read by the server only (service role), like stripe_events and jobs.

create table acp_idempotency_keys (
  id bigint generated always as identity primary key,
  -- The authenticated identity the key belongs to (the agent platform's id).
  scope text not null check (length(scope) between 1 and 200),
  path text not null check (length(path) between 1 and 2048),
  idempotency_key text not null check (length(idempotency_key) between 1 and 255),
  -- SHA-256 (hex) of the RFC 8785 canonical JSON of the request body.
  fingerprint text not null check (fingerprint ~ '^[0-9a-f]{64}$'),
  status text not null default 'in_flight' check (status in ('in_flight', 'completed')),
  response_status integer check (response_status between 200 and 499),
  response_headers jsonb,
  response_body text,
  created_at timestamptz not null default now(),
  completed_at timestamptz,
  unique (scope, path, idempotency_key),
  check ((status = 'completed') = (response_status is not null and response_body is not null and completed_at is not null))
);
-- The daily prune deletes by age.
create index acp_idempotency_keys_created_idx on acp_idempotency_keys (created_at);

alter table acp_idempotency_keys enable row level security;

-- Default privileges (0001) would let anon read and authenticated write: only the server touches this table.
revoke all on acp_idempotency_keys from anon, authenticated;
grant select, insert, update, delete on acp_idempotency_keys to service_role;
