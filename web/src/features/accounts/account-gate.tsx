import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { BuildingIcon, PlusIcon } from '../../components/icons.tsx';
import { PageContainer } from '../../components/page-container.tsx';
import { Button, EmptyState, PageHeader } from '../../components/ui/index.ts';
import { type Membership, useSession } from '../../lib/session.tsx';
import { ChooseAccount } from './choose-account.tsx';

/**
 * Renders `children` with the current account, or the page's "create an account first" / "pick an account" state
 * when there is none yet: every account-scoped page starts the same way.
 */
export function AccountGate({
  title,
  emptyDescription,
  chooseHeading,
  children,
}: {
  title: string;
  emptyDescription: string;
  chooseHeading: string;
  children: (account: Membership) => ReactNode;
}) {
  const { memberships, currentAccount } = useSession();
  if (memberships.length === 0) {
    return (
      <PageContainer>
        <PageHeader title={title} />
        <EmptyState
          icon={BuildingIcon}
          title="Create an account first"
          description={emptyDescription}
          action={
            <Button asChild>
              <Link to="/app/accounts/new">
                <PlusIcon size={16} />
                Create an account
              </Link>
            </Button>
          }
        />
      </PageContainer>
    );
  }
  if (!currentAccount) {
    return (
      <PageContainer>
        <PageHeader title={title} />
        <ChooseAccount heading={chooseHeading} />
      </PageContainer>
    );
  }
  return children(currentAccount);
}
