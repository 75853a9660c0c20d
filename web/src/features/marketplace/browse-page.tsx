import { Link, useSearchParams } from 'react-router';
import { PageContainer } from '../../components/page-container.tsx';
import {
  EmptyState,
  ErrorAlert,
  Field,
  Input,
  PageHeader,
  Pagination,
  Select,
  TableSkeleton,
} from '../../components/ui/index.ts';
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
  const page = Number(params.get('page') ?? '1') || 1;
  const toMinor = (s: string | null) => (s && Number(s) >= 0 ? Math.round(Number(s) * 100) : undefined);
  const q = usePublicArtworks({
    medium: medium === ALL ? undefined : medium,
    minPrice: toMinor(params.get('min')),
    maxPrice: toMinor(params.get('max')),
    artist: params.get('artist') ?? undefined,
    page,
  });
  const update = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v && v !== ALL) next.set(k, v);
    else next.delete(k);
    if (k !== 'page') next.delete('page');
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
      {q.isPending ? (
        <TableSkeleton />
      ) : q.isError ? (
        <ErrorAlert error={q.error} onRetry={q.refetch} />
      ) : q.data.data.length === 0 ? (
        <EmptyState title="No artworks match" description="Try a different medium or price range." />
      ) : (
        <>
          <ArtworkGrid>
            {q.data.data.map((w) => (
              <li key={w.id}>
                <ArtworkCard artwork={w} />
              </li>
            ))}
          </ArtworkGrid>
          <Pagination
            page={page}
            pageSize={q.data.pageSize}
            total={q.data.total}
            onPageChange={(p) => update('page', String(p))}
          />
        </>
      )}
    </PageContainer>
  );
}
