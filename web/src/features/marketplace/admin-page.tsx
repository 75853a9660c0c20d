import { useState } from 'react';
import { Link } from 'react-router';
import { CursorResults, useCursorPages } from '../../components/cursor-results.tsx';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Badge,
  Button,
  Card,
  CardContent,
  EmptyState,
  Input,
  PageHeader,
  Tabs,
  TabsContent,
  TabsList,
  TabsTrigger,
  useToast,
} from '../../components/ui/index.ts';
import { errorMessage } from '../../lib/api.ts';
import { AdminNav } from './admin-nav.tsx';
import { artworkApi, useApplicationQueue, useArtworkQueue, useMarketplaceMutation } from './api.ts';
import { formatMoney, mediumLabel } from './format.ts';

/** Approve / reject-with-reason controls shared by both queues. */
function Decision({
  onApprove,
  onReject,
  busy,
}: {
  onApprove: () => void;
  onReject: (reason: string) => void;
  busy: boolean;
}) {
  const [reason, setReason] = useState('');
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button size="sm" loading={busy} onClick={onApprove}>
        Approve
      </Button>
      <Input
        className="h-8 w-full sm:w-56"
        placeholder="Reason for rejecting"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
      <Button
        size="sm"
        variant="destructive-ghost"
        disabled={!reason.trim() || busy}
        onClick={() => onReject(reason.trim())}
      >
        Reject
      </Button>
    </div>
  );
}

function useDecide(kind: 'applications' | 'artworks') {
  const { toast } = useToast();
  const m = useMarketplaceMutation(async (d: { id: string; reason?: string }) => {
    if (kind === 'applications') {
      return d.reason ? artworkApi.rejectApplication(d.id, d.reason) : artworkApi.approveApplication(d.id);
    }
    return d.reason ? artworkApi.rejectArtwork(d.id, d.reason) : artworkApi.approveArtwork(d.id);
  });
  const decide = (id: string, reason?: string) =>
    m.mutate(
      { id, reason },
      {
        onSuccess: () => toast({ title: reason ? 'Rejected' : 'Approved', variant: 'success' }),
        onError: (e) => toast({ title: 'Could not decide', description: errorMessage(e), variant: 'error' }),
      },
    );
  return { decide, busy: m.isPending };
}

function ApplicationsQueue() {
  const pages = useCursorPages('pending');
  const q = useApplicationQueue(pages.cursor);
  const { decide, busy } = useDecide('applications');
  return (
    <CursorResults
      query={q}
      pages={pages}
      loading={{ label: 'Loading applications', columns: 3 }}
      errorTitle="Could not load applications"
      empty={<EmptyState title="No applications waiting" />}
      pagesLabel="Applications pages"
    >
      {(rows) => (
        <div className="grid gap-4">
          {rows.map((a) => (
            <Card key={a.id}>
              <CardContent className="grid gap-2 sm:p-6">
                <div className="font-medium">
                  {a.applicant?.name}{' '}
                  <span className="text-sm text-muted">
                    {a.applicant?.email} · {a.country}
                  </span>
                </div>
                <p className="whitespace-pre-line text-sm">{a.statement}</p>
                <p className="text-sm">
                  {a.portfolioUrl ? (
                    <a className="underline" href={a.portfolioUrl} target="_blank" rel="noreferrer noopener">
                      {a.portfolioUrl}
                    </a>
                  ) : null}
                  {a.instagram ? ` · ${a.instagram}` : ''}
                </p>
                {a.exhibitions ? <p className="text-sm text-muted">{a.exhibitions}</p> : null}
                <Decision busy={busy} onApprove={() => decide(a.id)} onReject={(r) => decide(a.id, r)} />
              </CardContent>
            </Card>
          ))}
        </div>
      )}
    </CursorResults>
  );
}

function ArtworkQueue() {
  const pages = useCursorPages('submitted');
  const q = useArtworkQueue(pages.cursor);
  const { decide, busy } = useDecide('artworks');
  return (
    <CursorResults
      query={q}
      pages={pages}
      loading={{ label: 'Loading artworks', columns: 3 }}
      errorTitle="Could not load artworks"
      empty={<EmptyState title="No artworks waiting for review" />}
      pagesLabel="Artworks pages"
    >
      {(rows) => (
        <div className="grid gap-4">
          {rows.map((w) => (
            <Card key={w.id}>
              <CardContent className="flex flex-wrap gap-4 sm:p-6">
                {w.images[0] ? (
                  <img src={w.images[0].thumbUrl} alt="" className="size-28 rounded object-cover" />
                ) : null}
                <div className="grid flex-1 gap-1">
                  <Link to={`/art/${w.id}`} className="font-medium underline">
                    {w.title}
                  </Link>
                  <span className="text-sm text-muted">
                    {w.artist.name} · {mediumLabel(w.medium)} · {formatMoney(w.priceAmount, w.currency)}
                  </span>
                  <Badge tone="info" className="w-fit">
                    {w.images.length} images
                  </Badge>
                  <Decision busy={busy} onApprove={() => decide(w.id)} onReject={(r) => decide(w.id, r)} />
                </div>
              </CardContent>
            </Card>
          ))}
        </div>
      )}
    </CursorResults>
  );
}

export function MarketplaceAdminPage() {
  return (
    <PageContainer>
      <PageHeader title="Marketplace" description="Review artist applications and moderate submitted artworks." />
      <AdminNav current="review" />
      <Tabs defaultValue="applications">
        <TabsList aria-label="Marketplace review">
          <TabsTrigger value="applications">Applications</TabsTrigger>
          <TabsTrigger value="artworks">Artworks</TabsTrigger>
        </TabsList>
        <TabsContent value="applications">
          <ApplicationsQueue />
        </TabsContent>
        <TabsContent value="artworks">
          <ArtworkQueue />
        </TabsContent>
      </Tabs>
    </PageContainer>
  );
}
