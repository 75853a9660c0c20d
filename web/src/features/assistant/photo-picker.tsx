import { useState } from 'react';
import { EmptyState, ErrorAlert, Select, Spinner } from '../../components/ui/index.ts';
import { useGalleries, useGallery } from '../shop/api.ts';
import type { PictureRef } from './api.ts';

/**
 * Picks one of the studio's gallery photos to show the studio assistant: a gallery, then a photo. Only its id goes
 * to the server, which reads the picture with the member's own rights.
 */
export function PhotoPicker({ accountId, onPick }: { accountId: string; onPick: (p: PictureRef) => void }) {
  const galleries = useGalleries(accountId, undefined, 100);
  const [galleryId, setGalleryId] = useState('');

  if (galleries.isPending) return <Spinner label="Loading galleries" />;
  if (galleries.isError) {
    return <ErrorAlert error={galleries.error} onRetry={galleries.refetch} title="Could not load the galleries" />;
  }
  if (!galleries.data.data.length) {
    return <EmptyState title="No galleries yet" description="Create a gallery and upload photos to show them here." />;
  }
  return (
    <div className="grid gap-2 rounded-control border border-border p-2">
      <Select
        aria-label="Gallery"
        value={galleryId}
        onValueChange={setGalleryId}
        placeholder="Choose a gallery…"
        options={galleries.data.data.map((g) => ({ value: g.id, label: g.title }))}
      />
      {galleryId ? <Photos galleryId={galleryId} onPick={onPick} /> : null}
    </div>
  );
}

function Photos({ galleryId, onPick }: { galleryId: string; onPick: (p: PictureRef) => void }) {
  const q = useGallery(galleryId);
  if (q.isPending) return <Spinner label="Loading photos" />;
  if (q.isError) return <ErrorAlert error={q.error} onRetry={q.refetch} title="Could not load the photos" />;
  if (!q.data.photos.length) return <p className="text-sm text-muted">This gallery has no photos yet.</p>;
  return (
    <ul aria-label="Photos" className="grid max-h-48 grid-cols-4 gap-1.5 overflow-y-auto sm:grid-cols-5">
      {q.data.photos.map((p) => (
        <li key={p.id}>
          <button
            type="button"
            onClick={() => onPick({ kind: 'photo', id: p.id, title: p.filename })}
            className="focus-ring block aspect-square w-full overflow-hidden rounded-md bg-stone-100"
            aria-label={`Show ${p.filename}`}
          >
            <img src={p.thumbUrl} alt="" loading="lazy" className="h-full w-full object-cover" />
          </button>
        </li>
      ))}
    </ul>
  );
}
