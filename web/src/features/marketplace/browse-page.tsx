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
import { MEDIA, usePublicArtworks } from './api.ts';
import { formatMoney, formatSize, mediumLabel } from './format.ts';

const ALL = 'all';

/** Public browse of published artworks; filters live in the URL so results can be shared. */
export function BrowsePage() {
  const [params, setParams] = useSearchParams();
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
      <PageHeader title="Art" description="Original work and editions, straight from the artists." />
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
          <ul className="grid gap-6 sm:grid-cols-2 lg:grid-cols-3">
            {q.data.data.map((w) => {
              const img = w.images.find((i) => i.isPrimary) ?? w.images[0];
              return (
                <li key={w.id}>
                  <Link to={`/art/${w.id}`} className="group grid gap-2">
                    <div className="aspect-square overflow-hidden rounded-card bg-stone-100">
                      {img ? (
                        <img
                          src={img.thumbUrl}
                          alt={w.title}
                          width={img.width}
                          height={img.height}
                          loading="lazy"
                          className="size-full object-cover transition group-hover:scale-105"
                        />
                      ) : null}
                    </div>
                    <div>
                      <div className="font-medium">{w.title}</div>
                      <div className="text-sm text-muted">
                        {w.artist.name} · {mediumLabel(w.medium)}
                        {formatSize(w) ? ` · ${formatSize(w)}` : ''}
                      </div>
                      <div className="text-sm font-medium">{formatMoney(w.priceAmount, w.currency)}</div>
                    </div>
                  </Link>
                </li>
              );
            })}
          </ul>
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
