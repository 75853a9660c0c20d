import { ErrorAlert, Skeleton } from '../../components/ui/index.ts';
import { useSimilarArtworks } from './api.ts';
import { ArtworkCard, ArtworkGrid } from './artwork-card.tsx';

/** "Similar works" under a published artwork, each with the reason it matched; nothing at all when there are none. */
export function SimilarWorks({ artworkId }: { artworkId: string }) {
  const q = useSimilarArtworks(artworkId);
  if (q.isSuccess && q.data.length === 0) return null;
  return (
    <section aria-labelledby="similar-heading" className="mt-12 grid gap-4">
      <h2 id="similar-heading" className="font-display text-xl font-semibold">
        Similar works
      </h2>
      {q.isPending ? (
        <div className="grid gap-6 sm:grid-cols-2 lg:grid-cols-3" role="status" aria-label="Loading similar works">
          {[0, 1, 2].map((n) => (
            <Skeleton key={n} className="aspect-square" />
          ))}
        </div>
      ) : q.isError ? (
        <ErrorAlert error={q.error} onRetry={q.refetch} title="Could not load similar works" />
      ) : (
        <ArtworkGrid label="Similar works">
          {q.data.map((r) => (
            <li key={r.artwork.id}>
              <ArtworkCard artwork={r.artwork} note={r.reason} />
            </li>
          ))}
        </ArtworkGrid>
      )}
    </section>
  );
}
