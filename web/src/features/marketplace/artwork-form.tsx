import { useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Card,
  CardContent,
  CardFooter,
  Field,
  Input,
  Select,
  Textarea,
  useToast,
} from '../../components/ui/index.ts';
import { errorMessage, formErrorsFrom, isApiError } from '../../lib/api.ts';
import {
  type Artwork,
  type ArtworkImage,
  type ArtworkInput,
  artworkApi,
  MEDIA,
  uploadImage,
  useMarketplaceMutation,
} from './api.ts';
import { mediumLabel } from './format.ts';

const FIELDS = [
  'title',
  'description',
  'medium',
  'priceAmount',
  'currency',
  'widthMm',
  'heightMm',
  'year',
  'editionSize',
] as const;
const num = (s: string) => (s.trim() === '' ? null : Number(s));

const ACCEPT = ['image/jpeg', 'image/png', 'image/webp'];
const MAX_BYTES = 15 * 1024 * 1024;
/** One file on its way up (or refused), shown with its own progress or error. */
type Upload = { key: number; name: string; progress: number; error?: string };

/** Create or edit an artwork (drafts and rejected work) with its images in the same form; a first image saves a draft. */
export function ArtworkForm({
  accountId,
  artwork,
  onDone,
}: {
  accountId: string;
  artwork?: Artwork;
  onDone: () => void;
}) {
  const { toast } = useToast();
  const [v, setV] = useState({
    title: artwork?.title ?? '',
    description: artwork?.description ?? '',
    medium: artwork?.medium ?? 'painting',
    price: artwork ? String(artwork.priceAmount / 100) : '',
    currency: artwork?.currency ?? 'eur',
    widthMm: artwork?.widthMm ? String(artwork.widthMm) : '',
    heightMm: artwork?.heightMm ? String(artwork.heightMm) : '',
    year: artwork?.year ? String(artwork.year) : '',
    editionSize: artwork?.editionSize ? String(artwork.editionSize) : '',
  });
  const [errors, setErrors] = useState<Partial<Record<(typeof FIELDS)[number], string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const set = (k: keyof typeof v, value: string) => setV((p) => ({ ...p, [k]: value }));
  const qc = useQueryClient();
  // The artwork's id once it exists: given, or created by the first image dropped on a new form.
  const [artworkId, setArtworkId] = useState<string | null>(artwork?.id ?? null);
  const [autoSaved, setAutoSaved] = useState(false);
  const [images, setImages] = useState<ArtworkImage[]>(artwork?.images ?? []);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [busy, setBusy] = useState(false);
  const [dragOver, setDragOver] = useState(false);
  const creating = useRef<Promise<string> | null>(null);
  const uploadKey = useRef(0);
  const dropId = useId();

  const input = (): ArtworkInput => {
    const edition = num(v.editionSize);
    return {
      title: v.title,
      description: v.description,
      medium: v.medium,
      priceAmount: Math.round(Number(v.price) * 100),
      currency: v.currency,
      widthMm: num(v.widthMm),
      heightMm: num(v.heightMm),
      year: num(v.year),
      editionType: edition ? 'edition' : 'original',
      editionSize: edition,
    };
  };
  const showErrors = (err: unknown) => {
    const r = formErrorsFrom(err, FIELDS);
    setErrors(r.fieldErrors);
    setFormError(r.formError);
  };

  const save = useMarketplaceMutation(async (body: ArtworkInput) => {
    // A draft still being created for a first image is the one to save, not a second artwork.
    const id = artworkId ?? (await creating.current?.catch(() => null));
    return id ? artworkApi.update(id, body) : artworkApi.create(accountId, body);
  });

  const onSubmit = (e: React.FormEvent) => {
    e.preventDefault();
    save.mutate(input(), {
      onSuccess: () => {
        toast({ title: artworkId ? 'Artwork saved' : 'Draft created', variant: 'success' });
        onDone();
      },
      onError: showErrors,
    });
  };

  /** The artwork's id, creating the draft from the fields so far if needed (once, however many files arrive). */
  const ensureArtwork = (): Promise<string> => {
    if (artworkId) return Promise.resolve(artworkId);
    creating.current ??= artworkApi.create(accountId, input()).then(
      (r) => {
        setArtworkId(r.artwork.id);
        setAutoSaved(true);
        setErrors({});
        setFormError(null);
        return r.artwork.id;
      },
      (err) => {
        creating.current = null;
        showErrors(err);
        throw err;
      },
    );
    return creating.current;
  };

  const refresh = async (id: string) => {
    const r = await artworkApi.get(id);
    setImages(r.artwork.images);
    void qc.invalidateQueries({ queryKey: ['marketplace'] });
  };

  const patchUpload = (key: number, patch: Partial<Upload>) =>
    setUploads((all) => all.map((u) => (u.key === key ? { ...u, ...patch } : u)));

  const addFiles = async (files: File[]) => {
    if (!files.length) return;
    const queued = files.map((file) => {
      uploadKey.current += 1;
      const error = !ACCEPT.includes(file.type)
        ? 'Only JPEG, PNG or WebP images'
        : file.size > MAX_BYTES
          ? 'Larger than 15 MB'
          : undefined;
      return { file, upload: { key: uploadKey.current, name: file.name, progress: 0, error } };
    });
    setUploads((all) => [...all, ...queued.map((q) => q.upload)]);
    const ok = queued.filter((q) => !q.upload.error);
    if (!ok.length) return;
    let id: string;
    try {
      id = await ensureArtwork();
    } catch (err) {
      const error =
        isApiError(err) && err.details?.fieldErrors
          ? 'Fill in the fields marked above so a draft can be saved, then add the image again'
          : errorMessage(err);
      for (const q of ok) patchUpload(q.upload.key, { error });
      return;
    }
    // One at a time: the server numbers positions in arrival order, so the list keeps the order files were chosen.
    for (const q of ok) {
      try {
        await uploadImage(id, q.file, (progress) => patchUpload(q.upload.key, { progress }));
        await refresh(id);
        setUploads((all) => all.filter((u) => u.key !== q.upload.key));
      } catch (err) {
        patchUpload(q.upload.key, { error: errorMessage(err) });
      }
    }
  };

  const change = async (fn: (id: string) => Promise<unknown>) => {
    if (!artworkId) return;
    setBusy(true);
    try {
      await fn(artworkId);
    } catch (err) {
      toast({ title: 'Could not update the images', description: errorMessage(err), variant: 'error' });
    } finally {
      await refresh(artworkId).catch(() => {});
      setBusy(false);
    }
  };

  const move = (from: number, to: number) => {
    const ids = images.map((i) => i.id);
    const [moved] = ids.splice(from, 1);
    ids.splice(to, 0, moved);
    // Show the new order at once; the refresh after the call puts back the server's if it refused.
    setImages((all) => ids.map((i) => all.find((x) => x.id === i) as ArtworkImage));
    void change((id) => artworkApi.reorderImages(id, ids));
  };

  return (
    <Card>
      <form onSubmit={onSubmit} noValidate>
        <CardContent className="grid gap-4 sm:grid-cols-2 sm:p-6">
          {formError ? (
            <Alert variant="error" className="sm:col-span-2">
              {formError}
            </Alert>
          ) : null}
          <Field label="Title" error={errors.title} className="sm:col-span-2">
            <Input value={v.title} maxLength={200} onChange={(e) => set('title', e.target.value)} />
          </Field>
          <Field label="Description" error={errors.description} className="sm:col-span-2">
            <Textarea rows={3} value={v.description} onChange={(e) => set('description', e.target.value)} />
          </Field>
          <Field label="Medium" error={errors.medium}>
            <Select
              value={v.medium}
              onValueChange={(m) => set('medium', m)}
              options={MEDIA.map((m) => ({ value: m, label: mediumLabel(m) }))}
            />
          </Field>
          <Field label="Year" error={errors.year}>
            <Input inputMode="numeric" value={v.year} onChange={(e) => set('year', e.target.value)} />
          </Field>
          <Field label="Price" error={errors.priceAmount}>
            <Input inputMode="decimal" value={v.price} onChange={(e) => set('price', e.target.value)} />
          </Field>
          <Field label="Currency" error={errors.currency}>
            <Input
              maxLength={3}
              className="uppercase"
              value={v.currency}
              onChange={(e) => set('currency', e.target.value)}
            />
          </Field>
          <Field label="Width (mm)" error={errors.widthMm}>
            <Input inputMode="numeric" value={v.widthMm} onChange={(e) => set('widthMm', e.target.value)} />
          </Field>
          <Field label="Height (mm)" error={errors.heightMm}>
            <Input inputMode="numeric" value={v.heightMm} onChange={(e) => set('heightMm', e.target.value)} />
          </Field>
          <Field label="Edition size" hint="Leave empty for an original." error={errors.editionSize}>
            <Input inputMode="numeric" value={v.editionSize} onChange={(e) => set('editionSize', e.target.value)} />
          </Field>
          <fieldset className="grid gap-3 sm:col-span-2">
            <legend className="mb-1 text-sm font-medium">Images</legend>
            {autoSaved ? (
              <Alert variant="info">Saved as a draft so your images have a home. Keep editing here.</Alert>
            ) : null}
            {images.length ? (
              <ol aria-label="Images" className="grid gap-2">
                {images.map((img, i) => (
                  <li key={img.id} className="flex flex-wrap items-center gap-3 rounded border p-2 text-sm">
                    <img
                      src={img.thumbUrl}
                      alt=""
                      width={img.width}
                      height={img.height}
                      className="size-16 rounded bg-stone-100 object-contain"
                    />
                    <span className="text-muted">
                      {i + 1}. {img.width}×{img.height}
                    </span>
                    {img.isPrimary ? (
                      <Badge tone="success">Primary</Badge>
                    ) : (
                      <Button
                        type="button"
                        size="sm"
                        variant="secondary"
                        disabled={busy}
                        aria-label={`Make image ${i + 1} primary`}
                        onClick={() => change((id) => artworkApi.setPrimary(id, img.id))}
                      >
                        Make primary
                      </Button>
                    )}
                    <span className="ml-auto flex gap-1">
                      <Button
                        type="button"
                        size="sm"
                        variant="ghost"
                        disabled={busy || i === 0}
                        aria-label={`Move image ${i + 1} up`}
                        onClick={() => move(i, i - 1)}
                      >
                        ↑
                      </Button>
                      <Button
                        type="button"
                        size="sm"
                        variant="ghost"
                        disabled={busy || i === images.length - 1}
                        aria-label={`Move image ${i + 1} down`}
                        onClick={() => move(i, i + 1)}
                      >
                        ↓
                      </Button>
                      <Button
                        type="button"
                        size="sm"
                        variant="ghost"
                        disabled={busy}
                        aria-label={`Remove image ${i + 1}`}
                        onClick={() => change((id) => artworkApi.removeImage(id, img.id))}
                      >
                        Remove
                      </Button>
                    </span>
                  </li>
                ))}
              </ol>
            ) : null}
            {uploads.length ? (
              <ul aria-label="Uploads" className="grid gap-1 text-sm">
                {uploads.map((u) => (
                  <li key={u.key} className="flex items-center gap-2">
                    <span className="min-w-0 flex-1 truncate">{u.name}</span>
                    {u.error ? (
                      <>
                        <span className="text-red-700" role="alert">
                          {u.error}
                        </span>
                        <Button
                          type="button"
                          size="sm"
                          variant="ghost"
                          aria-label={`Dismiss ${u.name}`}
                          onClick={() => setUploads((all) => all.filter((x) => x.key !== u.key))}
                        >
                          Dismiss
                        </Button>
                      </>
                    ) : (
                      <progress max={1} value={u.progress} aria-label={`Uploading ${u.name}`} className="h-2 w-32" />
                    )}
                  </li>
                ))}
              </ul>
            ) : null}
            <label
              htmlFor={dropId}
              onDragOver={(e) => {
                e.preventDefault();
                setDragOver(true);
              }}
              onDragLeave={() => setDragOver(false)}
              onDrop={(e) => {
                e.preventDefault();
                setDragOver(false);
                void addFiles([...e.dataTransfer.files]);
              }}
              className={`grid cursor-pointer place-items-center gap-1 rounded border-2 border-dashed p-6 text-center text-sm focus-within:ring-2 focus-within:ring-offset-2 ${dragOver ? 'border-stone-900 bg-stone-50' : 'border-stone-300'}`}
            >
              <span className="font-medium">Add images: drop them here or choose files</span>
              <span className="text-muted">
                JPEG, PNG or WebP, up to 15 MB each.
                {artworkId ? '' : ' Adding one saves the artwork as a draft.'}
              </span>
              <input
                id={dropId}
                type="file"
                multiple
                accept={ACCEPT.join(',')}
                className="sr-only"
                onChange={(e) => {
                  void addFiles(e.target.files ? [...e.target.files] : []);
                  e.target.value = '';
                }}
              />
            </label>
          </fieldset>
        </CardContent>
        <CardFooter className="justify-end sm:px-6">
          <Button type="button" variant="ghost" onClick={onDone}>
            Close
          </Button>
          <Button type="submit" loading={save.isPending}>
            {artworkId ? 'Save changes' : 'Create draft'}
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}
