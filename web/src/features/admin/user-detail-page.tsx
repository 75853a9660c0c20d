import { Link, useParams } from 'react-router';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Badge,
  Button,
  Card,
  CardContent,
  CardHeader,
  CardSkeleton,
  CardTitle,
  EmptyState,
  ErrorAlert,
  PageHeader,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  useToast,
} from '../../components/ui/index.ts';
import { formatDate } from '../../lib/format.ts';
import { useSession } from '../../lib/session.tsx';
import { KindBadge } from '../accounts/account-badges.tsx';
import { StatusBadge } from './admin-page.tsx';
import { type AdminUser, type UserAction, useAdminAction, useAdminUser } from './api.ts';
import { ReasonDialog } from './reason-dialog.tsx';

const actionCopy: Record<
  UserAction,
  { label: string; title: string; description: string; done: string; destructive?: boolean }
> = {
  'grant-admin': {
    label: 'Make platform admin',
    title: 'Make this user a platform admin?',
    description: 'They will see every account, user and transaction on this installation.',
    done: 'Platform admin granted',
  },
  'revoke-admin': {
    label: 'Revoke platform admin',
    title: 'Revoke platform admin?',
    description: 'They keep their own accounts but lose access to the admin area.',
    done: 'Platform admin revoked',
    destructive: true,
  },
  suspend: {
    label: 'Suspend user',
    title: 'Suspend this user?',
    description:
      'They are signed out everywhere at once and cannot sign in until you lift it. We email them the reason.',
    done: 'User suspended',
    destructive: true,
  },
  unsuspend: {
    label: 'Unsuspend user',
    title: 'Lift this suspension?',
    description: 'They can sign in again and are told by email.',
    done: 'Suspension lifted',
  },
};

function UserActions({ user }: { user: AdminUser }) {
  const session = useSession();
  const action = useAdminAction();
  const { toast } = useToast();
  const self = session.user?.id === user.id;
  const actions: UserAction[] = [
    user.isPlatformAdmin ? 'revoke-admin' : 'grant-admin',
    user.suspendedAt ? 'unsuspend' : 'suspend',
  ];
  if (self) return <p className="text-sm text-muted">This is you: another admin has to change your access.</p>;
  return (
    <div className="flex flex-wrap gap-2">
      {actions.map((a) => {
        const copy = actionCopy[a];
        return (
          <ReasonDialog
            key={a}
            trigger={
              <Button size="sm" variant={copy.destructive ? 'destructive-ghost' : 'secondary'}>
                {copy.label}
              </Button>
            }
            title={copy.title}
            description={copy.description}
            confirmLabel={copy.label}
            reasonRequired={a === 'suspend'}
            destructive={copy.destructive}
            onConfirm={(reason) =>
              action
                .mutateAsync({ kind: 'users', id: user.id, action: a, reason })
                .then(() => toast({ title: copy.done, variant: 'success' }))
            }
          />
        );
      })}
    </div>
  );
}

/** One user for platform admins: memberships, recent activity, and admin/suspension actions. */
export function UserDetailPage() {
  const { id = '' } = useParams();
  const q = useAdminUser(id);

  return (
    <PageContainer>
      <p className="mb-4 text-sm">
        <Link to="/admin" className="underline">
          ← All users
        </Link>
      </p>
      {q.isPending ? (
        <CardSkeleton />
      ) : q.isError ? (
        <ErrorAlert error={q.error} onRetry={() => q.refetch()} title="Could not load this user" />
      ) : (
        <>
          <PageHeader
            eyebrow="Platform admin"
            title={q.data.user.name}
            description={q.data.user.email}
            actions={<UserActions user={q.data.user} />}
          />
          <div className="mb-6 flex flex-wrap items-center gap-2 text-sm">
            {q.data.user.isPlatformAdmin ? <Badge tone="accent">Platform admin</Badge> : <Badge>User</Badge>}
            <StatusBadge suspendedAt={q.data.user.suspendedAt} />
            <span className="text-muted">Joined {formatDate(q.data.user.createdAt)}</span>
          </div>
          <div className="grid gap-6 lg:grid-cols-2">
            <Card>
              <CardHeader>
                <CardTitle>Accounts</CardTitle>
              </CardHeader>
              <CardContent>
                {q.data.memberships.length === 0 ? (
                  <EmptyState as="h3" title="Not a member of any account" />
                ) : (
                  <Table label="Memberships">
                    <TableHeader>
                      <TableRow>
                        <TableHead>Account</TableHead>
                        <TableHead>Type</TableHead>
                        <TableHead>Role</TableHead>
                      </TableRow>
                    </TableHeader>
                    <TableBody>
                      {q.data.memberships.map((m) => (
                        <TableRow key={m.accountId}>
                          <TableCell className="font-medium">
                            {m.name} {m.accountSuspendedAt ? <StatusBadge suspendedAt={m.accountSuspendedAt} /> : null}
                          </TableCell>
                          <TableCell>
                            <KindBadge kind={m.kind} />
                          </TableCell>
                          <TableCell className="capitalize">{m.role}</TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                )}
              </CardContent>
            </Card>
            <Card>
              <CardHeader>
                <CardTitle>Recent activity</CardTitle>
              </CardHeader>
              <CardContent>
                {q.data.audit.length === 0 ? (
                  <EmptyState as="h3" title="No recorded activity" />
                ) : (
                  <ol className="grid gap-3" aria-label="Recent activity">
                    {q.data.audit.map((e) => {
                      const reason = (e.after as { reason?: string | null } | null)?.reason;
                      return (
                        <li key={e.id} className="grid gap-0.5 text-sm">
                          <span className="font-mono text-xs">{e.action}</span>
                          <span className="text-muted">
                            {formatDate(e.createdAt)} · by {e.actorEmail ?? e.actor}
                            {reason ? ` · “${reason}”` : ''}
                          </span>
                        </li>
                      );
                    })}
                  </ol>
                )}
              </CardContent>
            </Card>
          </div>
        </>
      )}
    </PageContainer>
  );
}
