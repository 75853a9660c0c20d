import { Link } from 'react-router';
import { CursorResults, useCursorPages } from '../../components/cursor-results.tsx';
import { HeartIcon, SparklesIcon } from '../../components/icons.tsx';
import { PageContainer } from '../../components/page-container.tsx';
import { Button, EmptyState, ErrorAlert, PageHeader, TableSkeleton } from '../../components/ui/index.ts';
import { useRecommendations, useSavedArtworks } from './api.ts';
import { ArtworkCard, ArtworkGrid } from './artwork-card.tsx';

function YourArtNav({ current }: { current: 'for-you' | 'saved' }) {
  const link = (to: string, label: string, here: boolean) => (
    <Link to={to} aria-current={here ? 'page' : undefined} className={here ? 'font-semibold' : 'text-muted underline'}>
      {label}
    </Link>
  );
  return (
    <nav aria-label="Your art" className="mb-6 flex gap-4 text-sm">
      {link('/art/for-you', 'For you', current === 'for-you')}
      {link('/art/saved', 'Saved', current === 'saved')}
      {link('/art', 'All art', false)}
    </nav>
  );
}

const browse = (
  <Button asChild variant="secondary">
    <Link to="/art">Browse art</Link>
  </Button>
);

/** Works picked for the signed-in patron from what they saved, bought and looked at, each saying why. */
export function ForYouPage() {
  const q = useRecommendations(true);
  return (
    <PageContainer>
      <PageHeader title="For you" description="Picked from the works you saved, bought and looked at." />
      <YourArtNav current="for-you" />
      {q.isPending ? (
        <TableSkeleton />
      ) : q.isError ? (
        <ErrorAlert error={q.error} onRetry={q.refetch} title="Could not load your recommendations" />
      ) : q.data.length === 0 ? (
        <EmptyState
          icon={SparklesIcon}
          title="Nothing to go on yet"
          description="Save a few works you like (the heart on each picture) and we’ll suggest others like them here."
          action={browse}
        />
      ) : (
        <ArtworkGrid label="Recommended for you">
          {q.data.map((r) => (
            <li key={r.artwork.id}>
              <ArtworkCard artwork={r.artwork} note={r.reason} />
            </li>
          ))}
        </ArtworkGrid>
      )}
    </PageContainer>
  );
}

/** The patron's saved works, newest first. */
export function SavedPage() {
  const pages = useCursorPages('saved');
  const q = useSavedArtworks(pages.cursor);
  return (
    <PageContainer>
      <PageHeader title="Saved" description="Works you saved. Sold ones stay here so you can find work like them." />
      <YourArtNav current="saved" />
      <CursorResults
        query={q}
        pages={pages}
        loading={{ label: 'Loading your saved works', columns: 3 }}
        errorTitle="Could not load your saved works"
        empty={
          <EmptyState
            icon={HeartIcon}
            title="No saved works yet"
            description="Tap the heart on a work to keep it here."
            action={browse}
          />
        }
        pagesLabel="Saved works pages"
      >
        {(rows) => (
          <ArtworkGrid label="Saved works">
            {rows.map((s) => (
              <li key={s.artwork.id}>
                <ArtworkCard artwork={s.artwork} />
              </li>
            ))}
          </ArtworkGrid>
        )}
      </CursorResults>
    </PageContainer>
  );
}
