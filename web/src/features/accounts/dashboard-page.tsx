import { Link } from 'react-router';
import { BuildingIcon, PlusIcon, UsersIcon } from '../../components/icons.tsx';
import { PageContainer } from '../../components/page-container.tsx';
import {
  Button,
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
  EmptyState,
  PageHeader,
} from '../../components/ui/index.ts';
import { useSession } from '../../lib/session.tsx';
import { KindBadge, RoleBadge } from './account-badges.tsx';
import { ChooseAccount } from './choose-account.tsx';
import { ACCOUNT_KINDS } from './kinds.ts';

export function DashboardPage() {
  const { user, memberships, currentAccount } = useSession();
  const firstName = user?.name.split(/\s+/)[0] ?? '';

  return (
    <PageContainer>
      <PageHeader
        eyebrow={currentAccount ? currentAccount.name : undefined}
        title={firstName ? `Welcome, ${firstName}` : 'Dashboard'}
        description={
          memberships.length === 0
            ? 'You’re signed in. Set up an account for your studio, practice or team to start selling.'
            : 'Your account at a glance.'
        }
        actions={
          memberships.length > 0 ? (
            <Button asChild variant="secondary">
              <Link to="/app/accounts/new">
                <PlusIcon size={16} />
                New account
              </Link>
            </Button>
          ) : null
        }
      />

      {memberships.length === 0 ? (
        <EmptyState
          icon={BuildingIcon}
          title="You’re not part of any account yet"
          description="An account is your studio, artist practice, service business or organization. Create one, or ask a teammate to invite you to theirs."
          action={
            <Button asChild>
              <Link to="/app/accounts/new">
                <PlusIcon size={16} />
                Create an account
              </Link>
            </Button>
          }
        />
      ) : !currentAccount ? (
        <ChooseAccount />
      ) : (
        <div className="grid gap-5 lg:grid-cols-3">
          <Card className="lg:col-span-2" data-testid="current-account">
            <CardHeader>
              <CardDescription>Current account</CardDescription>
              <CardTitle className="font-display text-2xl">{currentAccount.name}</CardTitle>
            </CardHeader>
            <CardContent>
              <dl className="grid gap-4 text-sm sm:grid-cols-3">
                <div className="grid gap-1">
                  <dt className="text-muted">Type</dt>
                  <dd>
                    <KindBadge kind={currentAccount.kind} />
                  </dd>
                </div>
                <div className="grid gap-1">
                  <dt className="text-muted">Your role</dt>
                  <dd>
                    <RoleBadge role={currentAccount.role} />
                  </dd>
                </div>
                <div className="grid gap-1">
                  <dt className="text-muted">URL name</dt>
                  <dd className="truncate font-mono text-stone-700">{currentAccount.slug}</dd>
                </div>
              </dl>
              <p className="mt-5 text-sm text-muted">
                {ACCOUNT_KINDS.find((k) => k.value === currentAccount.kind)?.description}.
              </p>
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Team</CardTitle>
              <CardDescription>See who has access to {currentAccount.name} and invite collaborators.</CardDescription>
            </CardHeader>
            <CardContent>
              <Button asChild variant="secondary">
                <Link to="/app/members">
                  <UsersIcon size={16} />
                  Manage members
                </Link>
              </Button>
            </CardContent>
          </Card>
        </div>
      )}
    </PageContainer>
  );
}
