-- The artist application queue oldest first, a keyset page at a time (issue 17): its sort key is when the
-- application joined the queue, `coalesce(submitted_at, created_at)`, and the id breaks ties, so a cursor is one
-- index condition and the page needs no sort. Replaces 0020's (status, submitted_at), which it covers.
create index if not exists artist_applications_queue_keyset_idx
  on artist_applications (status, (coalesce(submitted_at, created_at)), id);
drop index if exists artist_applications_status_idx;
