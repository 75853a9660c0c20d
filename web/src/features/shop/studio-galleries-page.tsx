import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { CursorResults, useCursorPages } from '../../components/cursor-results.tsx';
import { PageContainer } from '../../components/page-container.tsx';
import { Alert, Button, Card, CardContent, EmptyState, Field, Input, PageHeader } from '../../components/ui/index.ts';
import { formatDate } from '../../lib/format.ts';
import { useSession } from '../../lib/session.tsx';
import { AssistantButton } from '../assistant/assistant-button.tsx';
import { serverErrors, useClients, useCreateGallery, useGalleries } from './api.ts';
import { GalleryStatusBadge, galleryStatusInfo } from './studio-gallery-page.tsx';

/** The current studio account, or a hint to pick one. */
export function useStudio() {
  const { currentAccount } = useSession();
  return currentAccount?.kind === 'studio' ? currentAccount : null;
}

export function NoStudio() {
  return (
    <PageContainer>
      <EmptyState title="Choose a studio account" description="Galleries and print sales belong to a studio account." />
    </PageContainer>
  );
}

/** Studio galleries: list and create. */
export function StudioGalleriesPage() {
  const studio = useStudio();
  if (!studio) return <NoStudio />;
  return <GalleriesList accountId={studio.accountId} name={studio.name} />;
}

const PAGE_SIZE = 24;

function GalleriesList({ accountId, name }: { accountId: string; name: string }) {
  const pages = useCursorPages(accountId);
  const galleries = useGalleries(accountId, pages.cursor, PAGE_SIZE);
  const create = useCreateGallery(accountId);
  const clients = useClients(accountId, '', undefined, 100);
  const [title, setTitle] = useState('');
  const [clientId, setClientId] = useState('');
  const [eventDate, setEventDate] = useState('');
  const [pin, setPin] = useState('');
  const [storeEnabled, setStoreEnabled] = useState(true);
  const fieldErrors = serverErrors(create.error, ['title', 'clientId', 'eventDate', 'pin']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!title.trim()) return;
    create.mutate(
      {
        title: title.trim(),
        clientId: clientId || null,
        eventDate: eventDate || null,
        pin: pin || null,
        storeEnabled,
      },
      {
        onSuccess: () => {
          setTitle('');
          setPin('');
          setEventDate('');
          setClientId('');
        },
      },
    );
  };
  return (
    <PageContainer>
      <PageHeader
        eyebrow={name}
        title="Galleries"
        description="Private client galleries with print sales."
        actions={
          <div className="flex flex-wrap gap-2">
            <AssistantButton assistant="studio" accountId={accountId} />
            <Button asChild variant="secondary">
              <Link to="/studio/catalog">Print catalog</Link>
            </Button>
            <Button asChild variant="secondary">
              <Link to="/studio/coupons">Coupons</Link>
            </Button>
            <Button asChild variant="secondary">
              <Link to="/studio/shop-settings">Settings & clients</Link>
            </Button>
          </div>
        }
      />
      <Card className="mb-6">
        <CardContent className="pt-4">
          <form
            onSubmit={submit}
            aria-label="New gallery"
            className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[2fr_1.5fr_1fr_1fr_auto] lg:items-end"
          >
            <Field label="Title" error={fieldErrors.fieldErrors.title}>
              <Input
                value={title}
                onChange={(e) => setTitle(e.target.value)}
                placeholder="e.g. Smith wedding"
                required
                maxLength={200}
              />
            </Field>
            <Field label="Client" error={fieldErrors.fieldErrors.clientId}>
              <select
                value={clientId}
                onChange={(e) => setClientId(e.target.value)}
                className="h-10 w-full rounded-control border border-border-strong bg-surface px-3 text-base sm:text-sm"
              >
                <option value="">No client</option>
                {(clients.data?.data ?? []).map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name} ({c.email})
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Event date" error={fieldErrors.fieldErrors.eventDate}>
              <Input type="date" value={eventDate} onChange={(e) => setEventDate(e.target.value)} />
            </Field>
            <Field label="PIN (optional)" error={fieldErrors.fieldErrors.pin}>
              <Input
                inputMode="numeric"
                autoComplete="off"
                value={pin}
                onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
                placeholder="4–8 digits"
                maxLength={8}
              />
            </Field>
            <div className="flex flex-col gap-2">
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" checked={storeEnabled} onChange={(e) => setStoreEnabled(e.target.checked)} />{' '}
                Enable store
              </label>
              <Button type="submit" loading={create.isPending}>
                Create gallery
              </Button>
            </div>
          </form>
          {fieldErrors.formError ? (
            <Alert variant="error" className="mt-3">
              {fieldErrors.formError}
            </Alert>
          ) : null}
        </CardContent>
      </Card>
      <CursorResults
        query={galleries}
        pages={pages}
        loading={{ label: 'Loading galleries', columns: 3 }}
        errorTitle="Could not load galleries"
        empty={<EmptyState title="No galleries yet" description="Create one above, then upload photos." />}
        pagesLabel="Galleries pages"
      >
        {(rows) => (
          <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            {rows.map((g) => (
              <li key={g.id}>
                <Card>
                  <CardContent className="flex flex-col gap-2 pt-4">
                    <Link to={`/studio/galleries/${g.id}`} className="font-medium hover:underline">
                      {g.title}
                    </Link>
                    <div className="flex flex-wrap gap-2 text-sm text-muted-foreground">
                      <GalleryStatusBadge status={g.status} />
                      <span>{g.photoCount} photos</span>
                      {g.hasPin ? <span>PIN</span> : null}
                      {g.expiresAt ? <span>expires {formatDate(g.expiresAt)}</span> : null}
                    </div>
                    {g.status === 'published' ? null : (
                      <p className="text-xs text-muted">{galleryStatusInfo[g.status].meaning}</p>
                    )}
                  </CardContent>
                </Card>
              </li>
            ))}
          </ul>
        )}
      </CursorResults>
    </PageContainer>
  );
}
