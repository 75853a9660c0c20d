import { Link, useSearchParams } from 'react-router';
import { CursorResults, useCursorPages } from '../../components/cursor-results.tsx';
import { PageContainer } from '../../components/page-container.tsx';
import { EmptyState, Field, Input, PageHeader, Select } from '../../components/ui/index.ts';
import { useSession } from '../../lib/session.tsx';
import { AssistantButton } from '../assistant/assistant-button.tsx';
import { MEDIA, usePublicArtworks } from './api.ts';
import { ArtworkCard, ArtworkGrid } from './artwork-card.tsx';
import { mediumLabel } from './format.ts';

const ALL = 'all';

/** Public browse of published artworks; filters live in the URL so results can be shared. */
export function BrowsePage() {
  const [params, setParams] = useSearchParams();
  const { user } = useSession();
  const medium = params.get('medium') ?? ALL;
  const toMinor = (s: string | null) => (s && Number(s) >= 0 ? Math.round(Number(s) * 100) : undefined);
  const filters = {
    medium: medium === ALL ? undefined : medium,
    minPrice: toMinor(params.get('min')),
    maxPrice: toMinor(params.get('max')),
    artist: params.get('artist') ?? undefined,
  };
  // The page is a cursor kept per filter set: other filters start again from the newest works.
  const pages = useCursorPages(JSON.stringify(filters));
  const q = usePublicArtworks(filters, pages.cursor);
  const update = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v && v !== ALL) next.set(k, v);
    else next.delete(k);
    next.delete('page');
    setParams(next, { replace: true });
  };

  return (
    <PageContainer>
      <PageHeader
        title="Art"
        description="Original work and editions, straight from the artists."
        actions={
          <div className="flex flex-wrap items-center gap-4">
            {user ? (
              <nav aria-label="Your art" className="flex gap-4 text-sm">
                <Link to="/art/for-you" className="underline">
                  For you
                </Link>
                <Link to="/art/saved" className="underline">
                  Saved
                </Link>
              </nav>
            ) : null}
            <AssistantButton />
          </div>
        }
      />
      <div className="mb-6 grid gap-4 sm:grid-cols-3">
        <Field label="Medium">
          <Select
            value={medium}
            onValueChange={(m) => update('medium', m)}
            options={[{ value: ALL, label: 'All media' }, ...MEDIA.map((m) => ({ value: m, label: mediumLabel(m) }))]}
          />
        </Field>
        <Field label="Min price">
          <Input
            inputMode="decimal"
            defaultValue={params.get('min') ?? ''}
            onBlur={(e) => update('min', e.target.value)}
          />
        </Field>
        <Field label="Max price">
          <Input
            inputMode="decimal"
            defaultValue={params.get('max') ?? ''}
            onBlur={(e) => update('max', e.target.value)}
          />
        </Field>
      </div>
      <CursorResults
        query={q}
        pages={pages}
        loading={{ label: 'Loading artworks', columns: 3 }}
        errorTitle="Could not load artworks"
        empty={<EmptyState title="No artworks match" description="Try a different medium or price range." />}
        pagesLabel="Artworks pages"
      >
        {(rows) => (
          <ArtworkGrid>
            {rows.map((w) => (
              <li key={w.id}>
                <ArtworkCard artwork={w} />
              </li>
            ))}
          </ArtworkGrid>
        )}
      </CursorResults>
    </PageContainer>
  );
}
