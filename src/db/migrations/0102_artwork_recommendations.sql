-- Explainable artwork recommendations (decision 027): per-artwork features, patrons' saves and views.

-- One row per artwork: the feature vector (text, colour histogram, medium, price and size bands) as real[], which
-- every Postgres can rank, and the parts reasons are built from. Written by the features job (service role).
create table artwork_features (
  artwork_id uuid primary key references artworks (id) on delete cascade,
  vec real[] not null check (cardinality(vec) = 315),
  -- What the text part was computed from and by which embedder: a changed hash means recompute.
  text_hash text not null,
  text_model text not null,
  keywords text[] not null default '{}',
  palette jsonb not null default '[]',
  price_band smallint not null,
  size_band smallint,
  -- The primary image the colours came from (no foreign key: a deleted image just makes the row stale).
  image_id uuid,
  computed_at timestamptz not null default now()
);

-- Text embeddings from a model (EMBEDDINGS_MODEL), by content hash: an unchanged text is never embedded twice.
create table embedding_cache (
  content_hash text not null,
  model text not null,
  vector real[] not null,
  created_at timestamptz not null default now(),
  primary key (content_hash, model)
);

-- A patron's saved (favourite) artworks.
create table artwork_saves (
  user_id uuid not null references users (id) on delete cascade,
  artwork_id uuid not null references artworks (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (user_id, artwork_id)
);
create index artwork_saves_artwork_idx on artwork_saves (artwork_id);

-- The last view of an artwork per patron (one row each, so a reload is an update, not growth).
create table artwork_views (
  user_id uuid not null references users (id) on delete cascade,
  artwork_id uuid not null references artworks (id) on delete cascade,
  viewed_at timestamptz not null default now(),
  views integer not null default 1 check (views > 0),
  primary key (user_id, artwork_id)
);
create index artwork_views_recent_idx on artwork_views (user_id, viewed_at desc);

alter table artwork_features enable row level security;
alter table artwork_saves enable row level security;
alter table artwork_views enable row level security;
alter table embedding_cache enable row level security;
revoke all on embedding_cache from anon, authenticated;

-- Whether an artwork is in the public catalog (the rule of artworks_anon_select, migration 0090), checked per row by
-- primary key: a policy subquery over artworks would make the planner scan every artwork before a vector search.
create or replace function app.is_public_artwork(artwork uuid) returns boolean
language sql stable security definer set search_path = public, pg_temp as $$
  select exists (
    select 1 from artworks w join accounts a on a.id = w.account_id
    where w.id = artwork and w.status in ('published', 'reserved', 'sold') and a.kind = 'artist' and a.suspended_at is null
  )
$$;
revoke execute on function app.is_public_artwork(uuid) from public;
grant execute on function app.is_public_artwork(uuid) to anon, authenticated, service_role;

-- Features are readable where the artwork is: the public's for anon; members also see their own works'.
create policy artwork_features_anon_read on artwork_features for select to anon
  using (app.is_public_artwork(artwork_id));
create policy artwork_features_read on artwork_features for select to authenticated
  using (app.is_public_artwork(artwork_id) or exists (select 1 from artworks w where w.id = artwork_id));
revoke insert, update, delete on artwork_features from anon, authenticated;

-- Saves and views are the patron's own: nobody else, not even the artist, reads who saved what.
create policy artwork_saves_own on artwork_saves for all to authenticated
  using (user_id = (select app.current_user_id()))
  with check (user_id = (select app.current_user_id()));
create policy artwork_views_own on artwork_views for all to authenticated
  using (user_id = (select app.current_user_id()))
  with check (user_id = (select app.current_user_id()));
revoke all on artwork_saves, artwork_views from anon;

-- Where pgvector is installed (PGlite, Supabase), the same vectors in an HNSW index for nearest-neighbour search.
-- The table lives outside `public` so the generated types are the same on every database; without the extension
-- the ranking is computed from artwork_features.vec instead (src/marketplace/recommendations/rank.ts).
create schema if not exists recs;
grant usage on schema recs to anon, authenticated, service_role;
do $$
begin
  if exists (select 1 from pg_extension where extname = 'vector') then
    execute 'create table recs.artwork_vectors (
      artwork_id uuid primary key references public.artworks (id) on delete cascade,
      embedding vector(315) not null
    )';
    execute 'create index artwork_vectors_hnsw on recs.artwork_vectors using hnsw (embedding vector_cosine_ops)';
    execute 'alter table recs.artwork_vectors enable row level security';
    execute 'create policy artwork_vectors_read on recs.artwork_vectors for select to anon, authenticated
      using (app.is_public_artwork(artwork_id))';
    execute 'grant select on recs.artwork_vectors to anon, authenticated';
    execute 'grant all on recs.artwork_vectors to service_role';
  end if;
end $$;
