-- Indexes for the queries a busy day runs most (issue 17). Plain `create index if not exists`, so Supabase runs it
-- too; the tables are small at migration time in every deployment we know of.

-- The job claim: three index-backed lookups instead of one OR that forced a scan of every job.
create index if not exists jobs_due_now_idx on jobs (id) where status = 'queued' and attempts = 0 and run_at = created_at;
create index if not exists jobs_lease_idx on jobs (locked_until) where status = 'running';
-- Pruning finished jobs by age.
create index if not exists jobs_finished_idx on jobs (finished_at) where status in ('done', 'failed');

-- A seller's orders filtered by status, newest first; the platform-wide views by date.
create index if not exists orders_account_status_idx on orders (account_id, status, created_at desc);
create index if not exists orders_created_idx on orders (created_at);

-- Marketplace browse by medium, newest first; refunds in admin metrics by date.
create index if not exists artworks_medium_idx on artworks (status, medium, published_at desc);
create index if not exists marketplace_refunds_created_idx on marketplace_refunds (created_at);
