import { useParams } from 'react-router';
import { PageContainer } from '../../components/page-container.tsx';
import { EmptyState, ErrorAlert, PageHeader, PageSpinner } from '../../components/ui/index.ts';
import { ArtworkCard, ArtworkGrid } from './artwork-card.tsx';
import { usePublicArtist } from './profile-api.ts';

const countryName = (code: string) => {
  try {
    return new Intl.DisplayNames(undefined, { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
};

/** An artist's public page: name, country, the bio the artist writes, and their published works. */
export function PublicArtistPage() {
  const { slug = '' } = useParams();
  const q = usePublicArtist(slug);
  if (q.isPending) return <PageSpinner label="Loading the artist" />;
  if (q.isError) {
    return (
      <PageContainer>
        <ErrorAlert error={q.error} onRetry={q.refetch} />
      </PageContainer>
    );
  }
  const a = q.data;
  return (
    <PageContainer>
      <PageHeader eyebrow={countryName(a.country)} title={a.name} />
      <div className="grid gap-8">
        {a.bio ? (
          <section aria-label="About the artist" className="max-w-prose">
            <p className="whitespace-pre-wrap break-words text-base leading-relaxed" data-testid="artist-bio">
              {a.bio}
            </p>
          </section>
        ) : null}
        <section aria-labelledby="artist-works-heading" className="grid gap-4">
          <h2 id="artist-works-heading" className="text-lg font-semibold">
            Works
          </h2>
          {a.artworks.length === 0 ? (
            <EmptyState title="No works on sale right now" description="Check back soon." />
          ) : (
            <ArtworkGrid>
              {a.artworks.map((w) => (
                <li key={w.id}>
                  <ArtworkCard artwork={w} />
                </li>
              ))}
            </ArtworkGrid>
          )}
        </section>
      </div>
    </PageContainer>
  );
}
