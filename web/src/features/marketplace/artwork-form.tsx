import { useState } from 'react';
import {
  Alert,
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
import { errorMessage, formErrorsFrom } from '../../lib/api.ts';
import { type Artwork, type ArtworkInput, artworkApi, MEDIA, uploadImage, useMarketplaceMutation } from './api.ts';
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

/** Create or edit an artwork (drafts and rejected work), with image upload once it exists. */
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
  const [uploading, setUploading] = useState(false);
  const set = (k: keyof typeof v, value: string) => setV((p) => ({ ...p, [k]: value }));

  const save = useMarketplaceMutation((input: ArtworkInput) =>
    artwork ? artworkApi.update(artwork.id, input) : artworkApi.create(accountId, input),
  );
  const image = useMarketplaceMutation((fn: () => Promise<unknown>) => fn());

  const onSubmit = (e: React.FormEvent) => {
    e.preventDefault();
    const edition = num(v.editionSize);
    save.mutate(
      {
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
      },
      {
        onSuccess: () => {
          toast({ title: artwork ? 'Artwork saved' : 'Draft created', variant: 'success' });
          onDone();
        },
        onError: (err) => {
          const r = formErrorsFrom(err, FIELDS);
          setErrors(r.fieldErrors);
          setFormError(r.formError);
        },
      },
    );
  };

  const onFile = async (file: File | undefined) => {
    if (!file || !artwork) return;
    setUploading(true);
    try {
      await image.mutateAsync(() => uploadImage(artwork.id, file));
    } catch (err) {
      toast({ title: 'Upload failed', description: errorMessage(err), variant: 'error' });
    } finally {
      setUploading(false);
    }
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
          {artwork ? (
            <div className="grid gap-2 sm:col-span-2">
              <span className="text-sm font-medium">Images (JPEG, PNG or WebP)</span>
              <div className="flex flex-wrap gap-3">
                {artwork.images.map((img) => (
                  <div key={img.id} className="grid gap-1 text-xs">
                    <img src={img.thumbUrl} alt="" className="size-24 rounded object-cover" />
                    {img.isPrimary ? (
                      <span className="text-muted">Cover</span>
                    ) : (
                      <button
                        type="button"
                        className="underline"
                        onClick={() => image.mutate(() => artworkApi.setPrimary(artwork.id, img.id))}
                      >
                        Make cover
                      </button>
                    )}
                    <button
                      type="button"
                      className="text-red-700 underline"
                      onClick={() => image.mutate(() => artworkApi.removeImage(artwork.id, img.id))}
                    >
                      Remove
                    </button>
                  </div>
                ))}
              </div>
              <input
                type="file"
                accept="image/jpeg,image/png,image/webp"
                disabled={uploading}
                onChange={(e) => onFile(e.target.files?.[0])}
              />
            </div>
          ) : (
            <p className="text-sm text-muted sm:col-span-2">Save the draft first, then add images.</p>
          )}
        </CardContent>
        <CardFooter className="justify-end sm:px-6">
          <Button type="button" variant="ghost" onClick={onDone}>
            Close
          </Button>
          <Button type="submit" loading={save.isPending}>
            {artwork ? 'Save changes' : 'Create draft'}
          </Button>
        </CardFooter>
      </form>
    </Card>
  );
}
