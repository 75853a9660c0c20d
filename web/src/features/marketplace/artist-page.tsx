import { useState } from 'react';
import { Link } from 'react-router';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Alert,
  Badge,
  Button,
  Card,
  CardContent,
  EmptyState,
  ErrorAlert,
  PageHeader,
  PageSpinner,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  useToast,
} from '../../components/ui/index.ts';
import { errorMessage } from '../../lib/api.ts';
import { canManageMembers, useSession } from '../../lib/session.tsx';
import { AssistantButton } from '../assistant/assistant-button.tsx';
import { type ArtistStatus, artworkApi, useArtistArtworks, useArtistStatus, useMarketplaceMutation } from './api.ts';
import { ArtistBalanceCards, ArtistPayouts } from './artist-payouts.tsx';
import { ArtistProfileEditor } from './artist-profile-editor.tsx';
import { ArtistSales } from './artist-sales.tsx';
import { ArtworkForm } from './artwork-form.tsx';
import { formatMoney, mediumLabel, statusTone } from './format.ts';
import { SalesExportLink } from './sales-export-link.tsx';

function OnboardingCard({ status, accountId }: { status: ArtistStatus; accountId: string }) {
  const { toast } = useToast();
  const go = useMarketplaceMutation((kind: 'onboarding' | 'login') =>
    kind === 'onboarding' ? artworkApi.onboardingLink(accountId) : artworkApi.loginLink(accountId),
  );
  const open = (kind: 'onboarding' | 'login') =>
    go.mutate(kind, {
      onSuccess: (r) => window.location.assign(r.url),
      onError: (e) => toast({ title: 'Stripe is not reachable', description: errorMessage(e), variant: 'error' }),
    });
  if (status.onboardingStatus === 'complete') {
    return (
      <Alert
        variant="success"
        title="Payouts are set up"
        action={
          <Button size="sm" variant="secondary" loading={go.isPending} onClick={() => open('login')}>
            Open Stripe dashboard
          </Button>
        }
      >
        Your published works can be sold; you keep {100 - status.feeBps / 100}% of each sale.
      </Alert>
    );
  }
  return (
    <Alert
      variant="warning"
      title={status.onboardingStatus === 'deauthorized' ? 'Stripe was disconnected' : 'Finish setting up payouts'}
      action={
        <Button size="sm" loading={go.isPending} onClick={() => open('onboarding')}>
          Continue onboarding
        </Button>
      }
    >
      Our payment partner Stripe needs a few details before your work can be published and paid out.
    </Alert>
  );
}

export function ArtistPage({ sync = false }: { sync?: boolean }) {
  const { memberships, currentAccount } = useSession();
  const artist = memberships.find((m) => m.kind === 'artist');
  const status = useArtistStatus(artist?.accountId, sync);
  const works = useArtistArtworks(artist?.accountId);
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const { toast } = useToast();
  const act = useMarketplaceMutation(async (a: { id: string; kind: 'submit' | 'unpublish' | 'remove' }) => {
    await artworkApi[a.kind](a.id);
  });
  const run = (id: string, kind: 'submit' | 'unpublish' | 'remove') =>
    act.mutate(
      { id, kind },
      { onError: (e) => toast({ title: 'Not possible', description: errorMessage(e), variant: 'error' }) },
    );

  if (!artist) {
    return (
      <PageContainer>
        <EmptyState
          title="You’re not an artist here yet"
          description="Apply to sell your art on the marketplace."
          action={
            <Button asChild>
              <Link to="/artists/apply">Apply</Link>
            </Button>
          }
        />
      </PageContainer>
    );
  }
  if (status.isPending || works.isPending) return <PageSpinner label="Loading your studio" />;
  if (status.isError) return <ErrorAlert error={status.error} onRetry={status.refetch} />;
  if (works.isError) return <ErrorAlert error={works.error} onRetry={works.refetch} />;
  const current = editing && editing !== 'new' ? works.data.find((w) => w.id === editing) : undefined;

  return (
    <PageContainer>
      <PageHeader
        eyebrow={artist.name}
        title="Artist dashboard"
        actions={
          <div className="flex flex-wrap gap-2">
            {/* The artist assistant works in the selected account: only when an artist account is selected. */}
            {currentAccount?.kind === 'artist' ? (
              <AssistantButton assistant="artist" accountId={currentAccount.accountId} />
            ) : null}
            <Button asChild variant="secondary">
              <a href="#public-profile">Public profile</a>
            </Button>
            <Button onClick={() => setEditing('new')}>New artwork</Button>
          </div>
        }
      />
      {/* minmax(0, 1fr) columns: a wide table scrolls in its own box instead of widening the page on a phone. */}
      <div className="grid grid-cols-1 gap-6">
        <OnboardingCard status={status.data} accountId={artist.accountId} />
        {status.data.stripeAccountId ? <ArtistBalanceCards accountId={artist.accountId} /> : null}
        {editing ? (
          <ArtworkForm key={editing} accountId={artist.accountId} artwork={current} onDone={() => setEditing(null)} />
        ) : null}
        {works.data.length === 0 ? (
          <EmptyState title="No artworks yet" description="Create a draft, add images, and submit it for review." />
        ) : (
          <Card>
            <CardContent className="p-0">
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>Title</TableHead>
                    <TableHead>Medium</TableHead>
                    <TableHead>Price</TableHead>
                    <TableHead>Status</TableHead>
                    <TableHead />
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {works.data.map((w) => (
                    <TableRow key={w.id}>
                      <TableCell>
                        <Link to={`/art/${w.id}`} className="font-medium underline-offset-2 hover:underline">
                          {w.title}
                        </Link>
                        {w.rejectionReason ? <p className="text-xs text-red-700">{w.rejectionReason}</p> : null}
                      </TableCell>
                      <TableCell>{mediumLabel(w.medium)}</TableCell>
                      <TableCell>{formatMoney(w.priceAmount, w.currency)}</TableCell>
                      <TableCell>
                        <Badge tone={statusTone[w.status]}>{w.status}</Badge>
                      </TableCell>
                      <TableCell className="flex justify-end gap-2">
                        {w.status === 'draft' || w.status === 'rejected' ? (
                          <>
                            <Button size="sm" variant="ghost" onClick={() => setEditing(w.id)}>
                              Edit
                            </Button>
                            <Button size="sm" variant="secondary" onClick={() => run(w.id, 'submit')}>
                              Submit
                            </Button>
                            <Button size="sm" variant="destructive-ghost" onClick={() => run(w.id, 'remove')}>
                              Delete
                            </Button>
                          </>
                        ) : null}
                        {w.status === 'submitted' || w.status === 'published' ? (
                          <Button size="sm" variant="ghost" onClick={() => run(w.id, 'unpublish')}>
                            Back to draft
                          </Button>
                        ) : null}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </CardContent>
          </Card>
        )}
        <ArtistSales
          accountId={artist.accountId}
          originals={new Set(works.data.filter((w) => w.editionType === 'original').map((w) => w.id))}
        />
        <div className="flex justify-end">
          <SalesExportLink accountId={artist.accountId} />
        </div>
        {status.data.stripeAccountId ? <ArtistPayouts accountId={artist.accountId} /> : null}
        <ArtistProfileEditor accountId={artist.accountId} canEdit={canManageMembers(artist.role)} />
      </div>
    </PageContainer>
  );
}
