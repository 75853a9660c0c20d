import { type FormEvent, useId, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ConfirmDelete, useToastFailure } from '../../components/confirm-delete.tsx';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Alert,
  Badge,
  type BadgeTone,
  Button,
  buttonClasses,
  Card,
  CardContent,
  CardHeader,
  CardTitle,
  ConfirmDialog,
  Dialog,
  DialogContent,
  DialogFooter,
  DialogTrigger,
  EmptyState,
  ErrorAlert,
  Field,
  Input,
  Label,
  PageHeader,
  PageSpinner,
  Select,
  Textarea,
  useToast,
} from '../../components/ui/index.ts';
import { errorMessage, formErrorsFrom } from '../../lib/api.ts';
import { formatDate } from '../../lib/format.ts';
import {
  type Gallery,
  type GalleryStatus,
  type Photo,
  uploadPhoto,
  useClients,
  useDeleteGallery,
  useDeletePhoto,
  useGallery,
  usePriceSheets,
  useReorderPhotos,
  useSendGallery,
  useUpdateGallery,
} from './api.ts';

/** One gallery for the studio: upload with progress, reorder, delete, and link/PIN/expiry/store settings. */
export function StudioGalleryPage() {
  const { galleryId = '' } = useParams();
  const gallery = useGallery(galleryId);
  if (gallery.isPending) return <PageSpinner label="Loading gallery" />;
  if (gallery.error) {
    return (
      <PageContainer>
        <ErrorAlert error={gallery.error} onRetry={gallery.refetch} />
      </PageContainer>
    );
  }
  const g = gallery.data;
  const link = `${window.location.origin}/g/${g.token}`;
  return (
    <PageContainer>
      <PageHeader title={g.title} description={<GalleryStatusBadge status={g.status} />} />
      <div className="grid gap-6 lg:grid-cols-[1fr_20rem]">
        <div className="flex flex-col gap-4">
          <SharingCard gallery={g} link={link} />
          <Uploader galleryId={g.id} onDone={() => gallery.refetch()} />
          <PhotoGrid gallery={g} photos={g.photos} />
        </div>
        <SettingsCard gallery={g} />
      </div>
    </PageContainer>
  );
}

/** What each status means for the client holding the link. */
export const galleryStatusInfo: Record<GalleryStatus, { label: string; tone: BadgeTone; meaning: string }> = {
  draft: { label: 'Draft', tone: 'warning', meaning: "Clients can't open the link until you publish." },
  published: {
    label: 'Published',
    tone: 'success',
    meaning: 'Anyone with the link (and the PIN, if set) can open it.',
  },
  archived: { label: 'Archived', tone: 'neutral', meaning: 'The link no longer opens; publish again to share it.' },
};

export function GalleryStatusBadge({ status }: { status: GalleryStatus }) {
  return <Badge tone={galleryStatusInfo[status].tone}>{galleryStatusInfo[status].label}</Badge>;
}

function SharingCard({ gallery, link }: { gallery: Gallery; link: string }) {
  const update = useUpdateGallery(gallery.id);
  const toast = useToast();
  const info = galleryStatusInfo[gallery.status];
  const linkId = useId();
  const published = gallery.status === 'published';
  const setStatus = (status: GalleryStatus) =>
    update.mutate(
      { status },
      {
        onSuccess: () =>
          toast.toast({ title: published ? 'Gallery unpublished' : 'Gallery published', variant: 'success' }),
        onError: (e) => toast.toast({ title: errorMessage(e), variant: 'error' }),
      },
    );
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      toast.toast({ title: 'Link copied', variant: 'success' });
    } catch {
      toast.toast({
        title: "Couldn't copy the link",
        description: 'Select the link and copy it by hand.',
        variant: 'error',
      });
    }
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>Share with your client</CardTitle>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        <div className="flex flex-wrap items-center gap-3">
          <GalleryStatusBadge status={gallery.status} />
          <p className="min-w-0 flex-1 text-sm text-muted" data-testid="gallery-status-meaning">
            {info.meaning}
          </p>
          <Button
            size="sm"
            variant={published ? 'secondary' : 'primary'}
            loading={update.isPending}
            onClick={() => setStatus(published ? 'draft' : 'published')}
          >
            {published ? 'Unpublish' : 'Publish'}
          </Button>
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor={linkId}>Private link</Label>
          <div className="flex gap-2">
            <Input
              id={linkId}
              readOnly
              value={link}
              onFocus={(e) => e.currentTarget.select()}
              aria-describedby={published ? undefined : `${linkId}-hint`}
              className="min-w-0 flex-1"
            />
            <Button type="button" variant="secondary" onClick={copy}>
              Copy
            </Button>
          </div>
          {published ? null : (
            <p id={`${linkId}-hint`} className="text-xs text-muted">
              This link won't open for your client until the gallery is published.
            </p>
          )}
        </div>
        {gallery.hasPin ? (
          <p className="text-sm text-muted">
            A PIN protects this gallery. It is stored scrambled, so we can't show it: give it to your client yourself,
            or type it when sending.
          </p>
        ) : null}
        {gallery.expiresAt ? (
          <p className="text-sm text-muted">The link stops working after {formatDate(gallery.expiresAt)}.</p>
        ) : null}
        <div className="flex flex-wrap gap-2">
          <SendToClient gallery={gallery} />
          {published ? (
            <a href={link} target="_blank" rel="noreferrer" className={buttonClasses({ variant: 'ghost' })}>
              Preview as client
            </a>
          ) : (
            <Button variant="ghost" disabled title="Publish the gallery to preview what your client sees">
              Preview as client
            </Button>
          )}
        </div>
      </CardContent>
    </Card>
  );
}

function SendToClient({ gallery }: { gallery: Gallery }) {
  const [open, setOpen] = useState(false);
  const send = useSendGallery(gallery.accountId, gallery.id);
  const clients = useClients(gallery.accountId, '', undefined, 100);
  const toast = useToast();
  const client = (clients.data?.data ?? []).find((c) => c.id === gallery.clientId);
  const [email, setEmail] = useState('');
  const [message, setMessage] = useState('');
  const [pin, setPin] = useState('');
  const published = gallery.status === 'published';
  const errors = formErrorsFrom(send.error, ['email', 'clientId', 'message', 'pin'] as const);
  const onOpenChange = (next: boolean) => {
    setOpen(next);
    if (next) {
      send.reset();
      setEmail(client?.email ?? '');
      setMessage('');
      setPin('');
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const to = email.trim();
    // The client on file gets a personal greeting; any other address is sent as typed.
    const recipient =
      client && to.toLowerCase() === client.email.toLowerCase() ? { clientId: client.id } : { email: to };
    send.mutate(
      { ...recipient, ...(message.trim() ? { message: message.trim() } : {}), ...(pin ? { pin } : {}) },
      {
        onSuccess: (r) => {
          setOpen(false);
          toast.toast({ title: `Gallery sent to ${r.to}`, variant: 'success' });
        },
      },
    );
  };
  return (
    <div className="flex flex-col gap-1">
      <Dialog open={open} onOpenChange={onOpenChange}>
        <DialogTrigger asChild>
          <Button disabled={!published}>Send to client</Button>
        </DialogTrigger>
        <DialogContent title="Send to client" description={`Email the link to "${gallery.title}".`}>
          <form onSubmit={submit} className="flex flex-col gap-3" noValidate>
            <Field
              label="Recipient email"
              error={errors.fieldErrors.email ?? errors.fieldErrors.clientId}
              hint={client ? `The gallery's client: ${client.name}` : undefined}
              required
            >
              <Input type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" />
            </Field>
            <Field label="Message (optional)" error={errors.fieldErrors.message} hint="Up to 1000 characters">
              <Textarea value={message} maxLength={1000} rows={3} onChange={(e) => setMessage(e.target.value)} />
            </Field>
            {gallery.hasPin ? (
              <Field
                label="PIN to include (optional)"
                error={errors.fieldErrors.pin}
                hint="Leave empty to share the PIN another way."
              >
                <Input inputMode="numeric" value={pin} onChange={(e) => setPin(e.target.value)} autoComplete="off" />
              </Field>
            ) : null}
            {errors.formError ? <Alert variant="error">{errors.formError}</Alert> : null}
            <DialogFooter>
              <Button type="submit" loading={send.isPending}>
                Send
              </Button>
            </DialogFooter>
          </form>
        </DialogContent>
      </Dialog>
      {published ? null : (
        <p className="text-xs text-muted" data-testid="send-disabled-reason">
          Publish the gallery first: a draft's link doesn't open for your client.
        </p>
      )}
    </div>
  );
}

type UploadItem = {
  key: string;
  file: File;
  progress: number;
  status: 'queued' | 'uploading' | 'done' | 'error';
  error?: string;
};

// One file at a time: photos land in the order chosen, and one stream already fills the uplink.
const PARALLEL_UPLOADS = 1;
const MAX_BYTES = 40 * 1024 * 1024;
const TYPES = ['image/jpeg', 'image/png', 'image/webp'];

function Uploader({ galleryId, onDone }: { galleryId: string; onDone: () => void }) {
  const [items, setItems] = useState<UploadItem[]>([]);
  const busy = items.some((i) => i.status === 'queued' || i.status === 'uploading');
  const patch = (key: string, p: Partial<UploadItem>) =>
    setItems((list) => list.map((i) => (i.key === key ? { ...i, ...p } : i)));

  const run = async (queue: UploadItem[]) => {
    let next = 0;
    const worker = async () => {
      while (next < queue.length) {
        const item = queue[next++];
        patch(item.key, { status: 'uploading', progress: 0 });
        try {
          await uploadPhoto(galleryId, item.file, (f) => patch(item.key, { progress: f }));
          patch(item.key, { status: 'done', progress: 1 });
        } catch (e) {
          patch(item.key, { status: 'error', error: errorMessage(e) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_UPLOADS, queue.length) }, worker));
    onDone();
  };

  const add = (files: FileList | File[] | null) => {
    if (!files?.length) return;
    const fresh: UploadItem[] = [...files].map((file, n) => {
      const key = `${Date.now()}-${n}-${file.name}`;
      // Obvious mistakes fail at once, without a round trip; the server still checks every file.
      if (!TYPES.includes(file.type) && file.type) {
        return { key, file, progress: 0, status: 'error', error: 'Not a JPEG, PNG or WebP image' };
      }
      if (file.size > MAX_BYTES) return { key, file, progress: 0, status: 'error', error: 'Larger than 40 MB' };
      return { key, file, progress: 0, status: 'queued' };
    });
    setItems((list) => [...list.filter((i) => i.status !== 'done'), ...fresh]);
    void run(fresh.filter((i) => i.status === 'queued'));
  };

  const retry = () => {
    const failed = items.filter((i) => i.status === 'error' && i.file.size <= MAX_BYTES);
    for (const i of failed) patch(i.key, { status: 'queued', progress: 0, error: undefined });
    void run(failed);
  };

  const total = items.reduce((s, i) => s + i.file.size, 0);
  const sent = items.reduce((s, i) => s + i.file.size * (i.status === 'error' ? 0 : i.progress), 0);
  const overall = total ? sent / total : 0;
  const done = items.filter((i) => i.status === 'done').length;
  const failed = items.filter((i) => i.status === 'error').length;

  return (
    <Card
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        add(e.dataTransfer.files);
      }}
    >
      <CardContent className="flex flex-col gap-3 pt-4">
        <Field label="Upload photos" hint="JPEG, PNG or WebP, up to 40 MB each. You can also drop files here.">
          <Input
            type="file"
            multiple
            accept="image/jpeg,image/png,image/webp"
            onChange={(e) => {
              add(e.target.files ? [...e.target.files] : null);
              e.target.value = '';
            }}
          />
        </Field>
        {items.length ? (
          <>
            <div className="flex items-center justify-between gap-2 text-sm">
              <span aria-live="polite">
                {busy ? 'Uploading… ' : ''}
                {done} of {items.length} uploaded{failed ? `, ${failed} failed` : ''}
              </span>
              <div className="flex gap-2">
                {failed && !busy ? (
                  <Button size="sm" variant="secondary" onClick={retry}>
                    Retry failed
                  </Button>
                ) : null}
                {!busy ? (
                  <Button size="sm" variant="ghost" onClick={() => setItems([])}>
                    Clear list
                  </Button>
                ) : null}
              </div>
            </div>
            <ProgressBar label="Upload progress" value={overall} />
            <ul className="flex max-h-64 flex-col gap-2 overflow-y-auto" aria-label="Uploads">
              {items.map((i) => (
                <li key={i.key} className="grid grid-cols-[1fr_auto] items-center gap-x-3 gap-y-1 text-sm">
                  <span className="truncate">{i.file.name}</span>
                  <span className={i.status === 'error' ? 'text-red-700' : 'text-muted'}>
                    {i.status === 'error'
                      ? 'Failed'
                      : i.status === 'done'
                        ? 'Done'
                        : i.status === 'queued'
                          ? 'Waiting'
                          : `${Math.round(i.progress * 100)}%`}
                  </span>
                  {i.status === 'error' ? (
                    <span className="col-span-2 text-xs text-red-700" role="alert">
                      {i.error}
                    </span>
                  ) : (
                    <ProgressBar
                      label={`${i.file.name} upload progress`}
                      value={i.progress}
                      className="col-span-2 h-1"
                    />
                  )}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </CardContent>
    </Card>
  );
}

function ProgressBar({ label, value, className }: { label: string; value: number; className?: string }) {
  const pct = Math.round(value * 100);
  return (
    <div
      className={`h-2 w-full overflow-hidden rounded bg-stone-200 ${className ?? ''}`}
      role="progressbar"
      aria-valuenow={pct}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-label={label}
    >
      <div className="h-full bg-stone-900 transition-all" style={{ width: `${pct}%` }} />
    </div>
  );
}

function PhotoGrid({ gallery, photos }: { gallery: Gallery; photos: Photo[] }) {
  const reorder = useReorderPhotos(gallery.id);
  const remove = useDeletePhoto(gallery.id);
  const update = useUpdateGallery(gallery.id);
  const toast = useToast();
  const [dragged, setDragged] = useState<string | null>(null);
  const moveTo = (from: number, to: number) => {
    if (to < 0 || to >= photos.length || from === to) return;
    const ids = photos.map((p) => p.id);
    const [id] = ids.splice(from, 1);
    ids.splice(to, 0, id);
    reorder.mutate(ids, { onError: (e) => toast.toast({ title: errorMessage(e), variant: 'error' }) });
  };
  if (!photos.length) {
    return <EmptyState title="No photos yet" description="Upload photos above; they appear here in gallery order." />;
  }
  return (
    <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 md:grid-cols-4" aria-label="Photos">
      {photos.map((p, i) => {
        const cover = gallery.coverPhotoId === p.id;
        return (
          <li
            key={p.id}
            className={`flex flex-col gap-1 rounded ${dragged === p.id ? 'opacity-50' : ''}`}
            draggable
            onDragStart={() => setDragged(p.id)}
            onDragEnd={() => setDragged(null)}
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault();
              const from = photos.findIndex((x) => x.id === dragged);
              if (from >= 0) moveTo(from, i);
              setDragged(null);
            }}
          >
            <div className="relative">
              <img
                src={p.thumbUrl}
                alt={p.filename}
                loading="lazy"
                className="aspect-square w-full rounded object-cover"
              />
              {cover ? (
                <span className="absolute top-1 left-1">
                  <Badge tone="success">Cover</Badge>
                </span>
              ) : null}
            </div>
            <span className="truncate text-xs text-muted">
              {p.filename} · {p.width}×{p.height}
            </span>
            <div className="flex flex-wrap gap-1">
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Move ${p.filename} earlier`}
                disabled={i === 0 || reorder.isPending}
                onClick={() => moveTo(i, i - 1)}
              >
                ←
              </Button>
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Move ${p.filename} later`}
                disabled={i === photos.length - 1 || reorder.isPending}
                onClick={() => moveTo(i, i + 1)}
              >
                →
              </Button>
              <Button
                size="sm"
                variant="ghost"
                aria-label={cover ? `${p.filename} is the cover` : `Set ${p.filename} as cover`}
                aria-pressed={cover}
                disabled={cover || update.isPending}
                onClick={() => update.mutate({ coverPhotoId: p.id })}
              >
                {cover ? 'Cover' : 'Set cover'}
              </Button>
              <ConfirmDelete
                name={p.filename}
                description="The original and its web sizes are removed. Cart lines with it become unavailable."
                confirmLabel="Delete photo"
                onDelete={() => remove.mutateAsync(p.id)}
              />
            </div>
          </li>
        );
      })}
    </ul>
  );
}

const selectClasses = 'h-10 w-full rounded-control border border-border-strong bg-surface px-3 text-base sm:text-sm';

const statusOptions = [
  { value: 'draft', label: 'Draft' },
  { value: 'published', label: 'Published' },
  { value: 'archived', label: 'Archived' },
];

function SettingsCard({ gallery }: { gallery: Gallery }) {
  const update = useUpdateGallery(gallery.id);
  const toast = useToast();
  const [title, setTitle] = useState(gallery.title);
  const [status, setStatus] = useState<GalleryStatus>(gallery.status);
  // Follow Publish/Unpublish from the sharing card, so Save never writes back the status from before it.
  const [seenStatus, setSeenStatus] = useState(gallery.status);
  if (seenStatus !== gallery.status) {
    setSeenStatus(gallery.status);
    setStatus(gallery.status);
  }
  const [pin, setPin] = useState('');
  const [expires, setExpires] = useState(gallery.expiresAt ? gallery.expiresAt.slice(0, 10) : '');
  const [storeEnabled, setStore] = useState(gallery.storeEnabled);
  const [watermark, setWatermark] = useState(gallery.watermark);
  const [clientId, setClientId] = useState(gallery.clientId ?? '');
  const [priceSheetId, setPriceSheetId] = useState(gallery.priceSheetId ?? '');
  const clients = useClients(gallery.accountId, '', undefined, 100);
  const sheets = usePriceSheets(gallery.accountId);
  const fieldErrors = (update.error as { details?: { fieldErrors?: Record<string, string[]> } } | null)?.details
    ?.fieldErrors;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate(
      {
        title,
        status,
        storeEnabled,
        watermark,
        clientId: clientId || null,
        priceSheetId: priceSheetId || null,
        expiresAt: expires ? new Date(`${expires}T23:59:59Z`).toISOString() : null,
        ...(pin ? { pin } : {}),
      },
      { onSuccess: () => toast.toast({ title: 'Gallery saved', variant: 'success' }) },
    );
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>Settings</CardTitle>
      </CardHeader>
      <CardContent>
        <form onSubmit={submit} className="flex flex-col gap-3">
          <Field label="Title" error={fieldErrors?.title?.[0]}>
            <Input value={title} onChange={(e) => setTitle(e.target.value)} />
          </Field>
          <Field label="Status">
            <Select value={status} onValueChange={(v) => setStatus(v as GalleryStatus)} options={statusOptions} />
          </Field>
          <Field
            label={gallery.hasPin ? 'New PIN (a PIN is set)' : 'PIN (optional)'}
            error={fieldErrors?.pin?.[0]}
            hint="4–8 digits"
          >
            <Input inputMode="numeric" value={pin} onChange={(e) => setPin(e.target.value)} autoComplete="off" />
          </Field>
          {gallery.hasPin ? (
            <Button type="button" variant="ghost" size="sm" onClick={() => update.mutate({ pin: null })}>
              Remove PIN
            </Button>
          ) : null}
          <Field label="Expires on" error={fieldErrors?.expiresAt?.[0]}>
            <Input type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />
          </Field>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={storeEnabled} onChange={(e) => setStore(e.target.checked)} /> Enable store
            (sell prints)
          </label>
          <Field label="Client" error={fieldErrors?.clientId?.[0]}>
            <select value={clientId} onChange={(e) => setClientId(e.target.value)} className={selectClasses}>
              <option value="">No client</option>
              {(clients.data?.data ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Price sheet" hint="Which products this gallery sells" error={fieldErrors?.priceSheetId?.[0]}>
            <select value={priceSheetId} onChange={(e) => setPriceSheetId(e.target.value)} className={selectClasses}>
              <option value="">Studio default</option>
              {(sheets.data?.data ?? []).map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                  {s.isDefault ? ' (default)' : ''}
                </option>
              ))}
            </select>
          </Field>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={watermark} onChange={(e) => setWatermark(e.target.checked)} /> Watermark
            previews
          </label>
          {update.error && !fieldErrors ? <Alert variant="error">{errorMessage(update.error)}</Alert> : null}
          <Button type="submit" loading={update.isPending}>
            Save
          </Button>
        </form>
        <DeleteGallery gallery={gallery} />
      </CardContent>
    </Card>
  );
}

function DeleteGallery({ gallery }: { gallery: Gallery }) {
  const remove = useDeleteGallery(gallery.id);
  const navigate = useNavigate();
  const toastFailure = useToastFailure();
  return (
    <div className="mt-6 border-t border-border pt-4">
      <ConfirmDialog
        trigger={
          <Button type="button" variant="destructive-ghost" className="w-full">
            Delete gallery
          </Button>
        }
        title={`Delete ${gallery.title}?`}
        description={`Its ${gallery.photoCount} photos and the private link go too. Paid orders are kept.`}
        confirmLabel="Delete gallery"
        destructive
        onConfirm={() => toastFailure(remove.mutateAsync().then(() => navigate('/studio/galleries')))}
      />
    </div>
  );
}
