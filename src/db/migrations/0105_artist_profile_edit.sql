-- Artists edit their public profile (issue 13): admins and owners of the artist account update its bio under RLS.
-- Only the bio is the artist's: the country decided the Stripe Connect account (changing it would not move that
-- account), and Stripe state and fee overrides stay the server's to write as service role.
-- Idempotent: `drop policy if exists` before `create policy`; grants repeat harmlessly.

drop policy if exists artist_profiles_update on artist_profiles;
-- The caller's admin accounts are read once per query (migration 0098), not per row.
create policy artist_profiles_update on artist_profiles for update to authenticated
  using (account_id = any ((select app.member_account_ids('admin'))::uuid[]))
  with check (account_id = any ((select app.member_account_ids('admin'))::uuid[]));

-- 0020 revoked every write from authenticated; give back exactly the editable columns (and the row's timestamp).
revoke update on artist_profiles from authenticated;
grant update (bio, updated_at) on artist_profiles to authenticated;
